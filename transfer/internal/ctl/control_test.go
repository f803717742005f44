package ctl

import "testing"

func TestMaskCommand(t *testing.T) {
	for in, want := range map[string]string{"PASS hunter2": "PASS ****", "pass x y": "pass ****", "USER bob": "USER bob", "PASV": "PASV"} {
		if got := maskCommand(in); got != want {
			t.Errorf("maskCommand(%q) = %q, want %q", in, got, want)
		}
	}
}
