// Package packaging holds the tests of what Switchboard ships beside its code: the licence of the
// project and of every direct dependency (each with a row in the README's dependency section and
// a licence on the allow-list), the static binary that releases and the container image are built
// from (scripts/build-static.sh), and the compose file the docs start.
package packaging
