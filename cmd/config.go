package cmd

// Configuration of the commands that take it: every configured flag has an environment
// variable, SWITCHBOARD_ and its name in upper snake case, and a key in the optional
// configuration file (--config or SWITCHBOARD_CONFIG). A flag given on the command line wins over
// its variable, the variable over the file, the file over the flag's default.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/switchboardhq/switchboard/flows"
)

const (
	// envPrefix starts the environment variable of every configured flag.
	envPrefix = "SWITCHBOARD_"
	// configFlagName is the flag naming the configuration file.
	configFlagName = "config"
	// configEnv is the environment variable naming the configuration file.
	configEnv = envPrefix + "CONFIG"
	// annotationConfigured marks a flag that has an environment variable and a file key.
	annotationConfigured = "switchboard/configured"
	// annotationSecret marks a configured flag that may also be read from the file named by
	// its variable with _FILE appended.
	annotationSecret = "switchboard/secret"
	// maxConfigFile bounds the size of a configuration file.
	maxConfigFile = 1 << 20
)

// envName is the environment variable of the flag name: SWITCHBOARD_ and the name in upper
// snake case, such as SWITCHBOARD_RETRY_FOR for --retry-for.
func envName(flag string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// handWrittenEnv matches an environment variable named by hand at the end of a flag's help.
var handWrittenEnv = regexp.MustCompile(` \(env [A-Z_]+\)$`)

// configure makes the flags names of c (every flag of c when none is named) configured flags:
// each gets its environment variable, named in its help, and a key in the configuration file;
// c gets --config. Call it after defining the flags.
func configure(c *cobra.Command, names ...string) {
	fs := c.Flags()
	if len(names) == 0 {
		fs.VisitAll(func(f *pflag.Flag) {
			if f.Name != configFlagName && f.Name != "help" {
				names = append(names, f.Name)
			}
		})
	}
	for _, name := range names {
		f := fs.Lookup(name)
		if f == nil {
			panic("configure: " + c.Name() + " has no flag --" + name)
		}
		if _, ok := f.Annotations[annotationConfigured]; ok {
			continue
		}
		_ = fs.SetAnnotation(name, annotationConfigured, []string{envName(name)})
		f.Usage = handWrittenEnv.ReplaceAllString(f.Usage, "") + " (env " + envName(name)
		if _, ok := f.Annotations[annotationSecret]; ok {
			f.Usage += ", or a file named by " + envName(name) + "_FILE"
		}
		f.Usage += ")"
	}
	if fs.Lookup(configFlagName) == nil {
		fs.String(configFlagName, "", "a YAML file of settings, keyed by flag name, such as switchboard.yaml (env "+configEnv+")")
	}
}

// secretFlags marks flags of c whose values are secrets (a database URL with its password, a
// token): besides their variable, they may come from the file named by the variable with _FILE
// appended. Call it before configure.
func secretFlags(c *cobra.Command, names ...string) {
	for _, name := range names {
		if err := c.Flags().SetAnnotation(name, annotationSecret, []string{"true"}); err != nil {
			panic("secretFlags: " + err.Error())
		}
	}
}

// configuredFlags lists the names of the configured flags of every command under root: the keys
// a configuration file may hold.
func configuredFlags(root *cobra.Command) map[string]bool {
	names := map[string]bool{}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if _, ok := f.Annotations[annotationConfigured]; ok {
				names[f.Name] = true
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return names
}

// applyConfig sets the configured flags of cmd that the command line did not set: from their
// environment variables (or their _FILE variables), then from the configuration file. An error
// names the variable, or the file's key with its line and column.
func applyConfig(cmd *cobra.Command, getenv func(string) string) error {
	fs := cmd.Flags()
	if fs.Lookup(configFlagName) == nil {
		return nil
	}
	path, _ := fs.GetString(configFlagName)
	if !fs.Changed(configFlagName) {
		path = getenv(configEnv)
	}
	var file *configFile
	if path != "" {
		var err error
		if file, err = readConfigFile(path, configuredFlags(cmd.Root())); err != nil {
			return err
		}
	}
	var first error
	fs.VisitAll(func(f *pflag.Flag) {
		if _, ok := f.Annotations[annotationConfigured]; !ok || f.Changed || first != nil {
			return
		}
		first = configureFlag(f, getenv, file)
	})
	return first
}

// configureFlag sets one flag from its variable, its _FILE variable or the file, in this order.
func configureFlag(f *pflag.Flag, getenv func(string) string, file *configFile) error {
	name := envName(f.Name)
	value, fromEnv := getenv(name), name
	if _, secret := f.Annotations[annotationSecret]; secret {
		if path := getenv(name + "_FILE"); path != "" {
			if value != "" {
				return usageError("give %s or %s_FILE, not both", name, name)
			}
			text, err := readSmallFile(path)
			if err != nil {
				return usageError("$%s_FILE: %v", name, err)
			}
			value, fromEnv = strings.TrimRight(string(text), "\r\n"), name+"_FILE"
		}
	}
	if value != "" {
		if err := f.Value.Set(value); err != nil {
			if fromEnv != name {
				return usageError("$%s (%s): %v", fromEnv, f.Name, err)
			}
			return usageError("$%s %q: %v", name, value, err)
		}
		return nil
	}
	if file == nil {
		return nil
	}
	node, ok := file.values[f.Name]
	if !ok {
		return nil
	}
	if err := setFromNode(f, node); err != nil {
		return usageError("%s:%d:%d: %s: %v", file.path, node.Line, node.Column, f.Name, err)
	}
	return nil
}

// setFromNode sets a flag from a YAML value: a scalar, or a list for flags that repeat.
func setFromNode(f *pflag.Flag, n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return fmt.Errorf("give a value, or leave the key out")
		}
		return f.Value.Set(n.Value)
	case yaml.SequenceNode:
		sv, ok := f.Value.(pflag.SliceValue)
		if !ok {
			return fmt.Errorf("give one value, not a list")
		}
		var items []string
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode {
				return fmt.Errorf("give a list of values")
			}
			items = append(items, item.Value)
		}
		return sv.Replace(items)
	}
	return fmt.Errorf("give one value, not a mapping")
}

// configFile is a parsed configuration file: the node of each key.
type configFile struct {
	path   string
	values map[string]*yaml.Node
}

// readConfigFile reads a configuration file: one mapping from flag names (known) to values.
func readConfigFile(path string, known map[string]bool) (*configFile, error) {
	src, err := readSmallFile(path)
	if err != nil {
		return nil, usageError("--config: %v", err)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &configFile{path: path, values: map[string]*yaml.Node{}}, nil
		}
		return nil, usageError("%s: %v", path, err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, usageError("%s:%d:%d: write a mapping of settings, such as addr: 127.0.0.1:8080", path, root.Line, root.Column)
	}
	file := &configFile{path: path, values: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge":
			return nil, usageError("%s:%d:%d: keys are flag names, such as addr", path, k.Line, k.Column)
		case !known[k.Value]:
			msg := fmt.Sprintf("%s:%d:%d: unknown key %q", path, k.Line, k.Column, k.Value)
			if s := flows.Suggest(k.Value, slices.Sorted(maps.Keys(known))); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			return nil, usageError("%s", msg)
		case file.values[k.Value] != nil:
			return nil, usageError("%s:%d:%d: %s is set twice", path, k.Line, k.Column, k.Value)
		}
		file.values[k.Value] = v
	}
	return file, nil
}

// readSmallFile reads a file of configuration, refusing one larger than maxConfigFile.
func readSmallFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, maxConfigFile+1))
	if err != nil {
		return nil, err
	}
	if len(src) > maxConfigFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxConfigFile)
	}
	return src, nil
}
