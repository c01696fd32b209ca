// InfraKit v0.5's config hash (pkg/plugin/group/types: Spec.InstanceHash and stableFormat), written again with
// only Go's standard library so that it builds offline, as a test helper of InfraKit for Java; not part of the
// product. It decodes specs as InfraKit's group plugin does: a group.Spec whose Properties (a types.Any, raw JSON)
// decode into the default group plugin's Spec.
//
// Input: one case per line, the spec's bytes in standard base64. Output: one line per case, the hash, or
// "error: <Go's error>" when InfraKit would refuse the spec (or panic computing the hash).
package main

import (
	"bufio"
	"crypto/sha1"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Any is types.Any: raw JSON, kept as given and written back as it is.
type Any json.RawMessage

func (c *Any) MarshalJSON() ([]byte, error) {
	if c == nil {
		return nil, nil
	}
	return []byte(*c), nil
}

func (c *Any) UnmarshalJSON(data []byte) error {
	*c = Any(json.RawMessage(data))
	return nil
}

// Decode is types.Any.Decode.
func (c *Any) Decode(typed interface{}) error {
	if c == nil || len([]byte(*c)) == 0 {
		return nil
	}
	return json.Unmarshal([]byte(*c), typed)
}

// GroupSpec is spi/group.Spec.
type GroupSpec struct {
	ID         string
	Properties *Any
}

// PluginSpec is group types' InstancePlugin and FlavorPlugin (plugin.Name is a string).
type PluginSpec struct {
	Plugin     string
	Properties *Any
}

// Spec is group types' Spec.
type Spec struct {
	Instance   PluginSpec
	Flavor     PluginSpec
	Allocation struct {
		Size       uint
		LogicalIDs []string
	}
}

func stableFormat(v interface{}) []byte {
	unstable, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	props := map[string]interface{}{}
	if err := json.Unmarshal(unstable, &props); err != nil {
		panic(err)
	}
	stable, err := json.MarshalIndent(props, "  ", "  ")
	if err != nil {
		panic(err)
	}
	return stable
}

func instanceHash(c Spec) string {
	hasher := sha1.New()
	hasher.Write(stableFormat(c.Instance))
	hasher.Write(stableFormat(c.Flavor))
	encoded := strings.ToLower(base32.StdEncoding.EncodeToString(hasher.Sum(nil)))
	return strings.TrimRight(encoded, "=")
}

func hash(raw []byte) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	var group GroupSpec
	if err := json.Unmarshal(raw, &group); err != nil {
		return "", err
	}
	var spec Spec
	if group.Properties != nil {
		if err := group.Properties.Decode(&spec); err != nil {
			return "", fmt.Errorf("Invalid properties: %s", err)
		}
	}
	return instanceHash(spec), nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		raw, err := base64.StdEncoding.DecodeString(in.Text())
		if err != nil {
			fmt.Fprintf(out, "error: bad base64: %v\n", err)
			continue
		}
		h, err := hash(raw)
		if err != nil {
			fmt.Fprintf(out, "error: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		fmt.Fprintln(out, h)
	}
}
