//go:build race

package demoserver

const raceEnabled = true
