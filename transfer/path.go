package transfer

import (
	"context"
	"path"
	"strings"
)

// ResolvePath resolves p, a remote path as Site.Path holds it (relative to
// the login folder unless it starts with "/"), against home, the login
// folder as PWD named it. A trailing slash on p is kept: it says that p
// names a folder. When home is not an absolute Unix path (some servers
// answer PWD with a drive or a volume name), a relative p is returned as
// it is, for the server to resolve against its working folder, which is
// the login folder as long as nothing changed it.
func ResolvePath(home, p string) string {
	if strings.HasPrefix(p, "/") {
		return cleanKeepSlash(p)
	}
	if !strings.HasPrefix(home, "/") {
		return p
	}
	if p == "" {
		return path.Clean(home)
	}
	return cleanKeepSlash(path.Join(home, p) + trailingSlash(p))
}

// cleanKeepSlash cleans p and keeps its trailing slash ("/" stays "/").
func cleanKeepSlash(p string) string {
	c := path.Clean(p)
	if c != "/" && strings.HasSuffix(p, "/") {
		c += "/"
	}
	return c
}

func trailingSlash(p string) string {
	if strings.HasSuffix(p, "/") {
		return "/"
	}
	return ""
}

// Abs resolves p (see ResolvePath) against this connection's login folder.
// It asks PWD only when p is relative, so it must be called before
// anything changes the connection's working folder: right after Dial.
func (c *Conn) Abs(ctx context.Context, p string) (string, error) {
	if strings.HasPrefix(p, "/") {
		return cleanKeepSlash(p), nil
	}
	home, err := c.CurrentDir(ctx)
	if err != nil {
		return "", err
	}
	return ResolvePath(home, p), nil
}
