package engine

import (
	"encoding/json"
	"fmt"
)

// Stringify returns the text form of any value: JSON for lists, maps and structs.
func Stringify(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case fmt.Stringer:
		return x.String()
	}
	if b, err := json.Marshal(v); err == nil {
		return string(b)
	}
	return fmt.Sprint(v)
}

func typeError(e *Expression, want string, got any) error {
	return fmt.Errorf("expression %q gave %s (%T); it must give %s", e.Source, Stringify(got), got, want)
}
