package main

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func TestNumericSettings(t *testing.T) {
	tests := []struct {
		name    string
		env     string // SENDCASE_REPLICAS
		args    []string
		want    int
		wantErr string
	}{
		{name: "default", want: 1},
		{name: "from the environment", env: "3", want: 3},
		{name: "the flag wins", env: "3", args: []string{"-replicas", "5"}, want: 5},
		{name: "not a number", env: "three", wantErr: `SENDCASE_REPLICAS="three" is not a number`},
		{name: "not whole", env: "1.5", wantErr: "SENDCASE_REPLICAS must be a whole number, not 1.5"},
		{name: "too few", env: "0", wantErr: "SENDCASE_REPLICAS must be from 1 to 5, not 0"},
		{name: "flag out of range", args: []string{"-replicas", "9"}, wantErr: "-replicas must be from 1 to 5, not 9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("SENDCASE_REPLICAS", tt.env)
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			s := newSettings(fs)
			replicas := s.Int("replicas", "SENDCASE_REPLICAS", 1, 1, 5, "replicas")
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := s.Check()
			switch {
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want %q", err, tt.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			case replicas() != tt.want:
				t.Errorf("got %d, want %d", replicas(), tt.want)
			}
		})
	}
}

// TestSettingOrNever: a count that may be -1 for "never" refuses 0 and
// other values out of range, naming the setting.
func TestSettingOrNever(t *testing.T) {
	tests := []struct {
		env     string
		want    int
		wantErr string
	}{
		{"", 100, ""},
		{"-1", -1, ""},
		{"1", 1, ""},
		{"0", 0, "SENDCASE_SNAPSHOT_EVERY must be from 1 to 1000, or -1 for never, not 0"},
		{"-2", 0, "SENDCASE_SNAPSHOT_EVERY must be from 1 to 1000, or -1 for never, not -2"},
	}
	for _, tt := range tests {
		t.Setenv("SENDCASE_SNAPSHOT_EVERY", tt.env)
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		s := newSettings(fs)
		every := s.IntOrNever("snapshot-every", "SENDCASE_SNAPSHOT_EVERY", 100, 1, 1000, "snapshots")
		if err := fs.Parse(nil); err != nil {
			t.Fatal(err)
		}
		err := s.Check()
		switch {
		case tt.wantErr != "":
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%q: got %v, want %q", tt.env, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("%q: %v", tt.env, err)
		case every() != tt.want:
			t.Errorf("%q: got %d, want %d", tt.env, every(), tt.want)
		}
	}
}
