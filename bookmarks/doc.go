// Package bookmarks holds ftpdeck's saved sites and settings: the
// bookmarks.toml and config.toml files in the config folder, the ~/.netrc
// look-up, password_cmd, and imports from FileZilla and lftp.
//
// Rules of this package:
//
//   - It imports nothing from Charm and nothing from ftpdeck/transfer; it
//     speaks in plain strings and ints that main.go maps.
//   - A password never appears in an error, a notice, a log note or argv.
//     It is written only to bookmarks.toml, and only when the caller put it
//     in a Site (the user chose to save it).
//   - Files holding secrets are written 0600 in a 0700 folder, atomically
//     (temp file in the same folder, fsync, rename).
//   - A file that cannot be parsed is never overwritten.
package bookmarks
