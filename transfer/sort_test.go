package transfer_test

import (
	"slices"
	"testing"

	"ftpdeck/transfer"
)

// SortEntries puts folders first, then orders by name (byte order);
// entries with the same name keep the server's order.
func TestSortEntries(t *testing.T) {
	e := func(name string, typ transfer.EntryType, size int64) transfer.Entry {
		return transfer.Entry{Name: name, Type: typ, Size: size}
	}
	for _, tc := range []struct {
		name    string
		in, out []transfer.Entry
	}{
		{"empty", nil, nil},
		{"in order already", []transfer.Entry{e("d", transfer.Folder, 0), e("a", transfer.File, 1), e("b", transfer.File, 2)},
			[]transfer.Entry{e("d", transfer.Folder, 0), e("a", transfer.File, 1), e("b", transfer.File, 2)}},
		{"folders first, then names", []transfer.Entry{e("b", transfer.File, 1), e("z", transfer.Folder, 2), e("B", transfer.Link, 3), e("a", transfer.Folder, 4), e("a", transfer.File, 5)},
			[]transfer.Entry{e("a", transfer.Folder, 4), e("z", transfer.Folder, 2), e("B", transfer.Link, 3), e("a", transfer.File, 5), e("b", transfer.File, 1)}},
		{"twins keep the server's order", []transfer.Entry{e("x", transfer.File, 3), e("w", transfer.File, 9), e("x", transfer.File, 1), e("x", transfer.File, 2)},
			[]transfer.Entry{e("w", transfer.File, 9), e("x", transfer.File, 3), e("x", transfer.File, 1), e("x", transfer.File, 2)}},
	} {
		got := slices.Clone(tc.in)
		transfer.SortEntries(got)
		if !slices.Equal(got, tc.out) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.out)
		}
	}
}
