package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
)

// numeric is a numeric setting: a flag whose default an environment
// variable may replace. A value that is not a number, or is out of range,
// stops the command with a message naming the setting, never a silent
// default.
type numeric struct {
	flag, env string
	min, max  float64
	whole     bool
	// never: -1 is also allowed, meaning the thing is off.
	never bool
	value *float64
}

// settings are a command's numeric settings, checked once its flags are parsed.
type settings struct {
	fs   *flag.FlagSet
	list []*numeric
}

func newSettings(fs *flag.FlagSet) *settings { return &settings{fs: fs} }

// Int registers a whole-number setting in [min, max].
func (s *settings) Int(name, env string, def, min, max int, usage string) func() int {
	n := s.add(name, env, float64(def), float64(min), float64(max), true, usage)
	return func() int { return int(*n.value) }
}

// IntOrNever registers a whole-number setting in [min, max], or -1 for
// never (the usage says so).
func (s *settings) IntOrNever(name, env string, def, min, max int, usage string) func() int {
	n := s.add(name, env, float64(def), float64(min), float64(max), true, usage+" (-1: never)")
	n.never = true
	return func() int { return int(*n.value) }
}

// Float registers a number setting in [min, max].
func (s *settings) Float(name, env string, def, min, max float64, usage string) func() float64 {
	n := s.add(name, env, def, min, max, false, usage)
	return func() float64 { return *n.value }
}

func (s *settings) add(name, env string, def, min, max float64, whole bool, usage string) *numeric {
	n := &numeric{flag: name, env: env, min: min, max: max, whole: whole, value: new(float64)}
	s.fs.Float64Var(n.value, name, def, fmt.Sprintf("%s (%s)", usage, env))
	s.list = append(s.list, n)
	return n
}

// Check applies the environment to the settings not given as flags, then
// checks every value.
func (s *settings) Check() error {
	given := map[string]bool{}
	s.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, n := range s.list {
		source := "-" + n.flag
		if v, ok := os.LookupEnv(n.env); ok && v != "" && !given[n.flag] {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return fmt.Errorf("%s=%q is not a number", n.env, v)
			}
			*n.value, source = f, n.env
		}
		v := *n.value
		switch {
		case n.whole && v != float64(int64(v)):
			return fmt.Errorf("%s must be a whole number, not %v", source, v)
		case n.never && v == -1:
		case v < n.min || v > n.max:
			if n.never {
				return fmt.Errorf("%s must be from %v to %v, or -1 for never, not %v", source, n.min, n.max, v)
			}
			return fmt.Errorf("%s must be from %v to %v, not %v", source, n.min, n.max, v)
		}
	}
	return nil
}
