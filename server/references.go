package server

import (
	"context"
	"fmt"

	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/store"
)

// storeReferences answers flows.References from the store: the skills, calendars, emergency
// switches and flows that exist.
type storeReferences struct {
	ctx context.Context
	st  store.Store
}

var _ flows.References = storeReferences{}

func (r storeReferences) Names(kind string) ([]string, error) {
	switch kind {
	case "skill":
		list, err := r.st.SkillList(r.ctx)
		return namesOf(list, func(x store.Skill) string { return x.Name }), err
	case "calendar":
		list, err := r.st.CalendarList(r.ctx)
		return namesOf(list, func(x store.Calendar) string { return x.Name }), err
	case "switch":
		list, err := r.st.SwitchList(r.ctx)
		return namesOf(list, func(x store.Switch) string { return x.Name }), err
	case "flow":
		list, err := r.st.FlowList(r.ctx)
		return namesOf(list, func(x store.Flow) string { return x.ID }), err
	}
	return nil, fmt.Errorf("no names of %ss", kind)
}

// namesOf lists what names each item of a store list.
func namesOf[T any](list []T, name func(T) string) []string {
	names := make([]string, 0, len(list))
	for _, x := range list {
		names = append(names, name(x))
	}
	return names
}
