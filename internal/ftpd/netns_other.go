//go:build !linux

package ftpd

import "errors"

// InNetns runs fn as is when ns is ""; network namespaces are Linux's, so
// any other ns is an error here.
func InNetns(ns string, fn func() error) error {
	if ns != "" {
		return errors.New("ftpd: network namespaces exist only on Linux")
	}
	return fn()
}
