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
