// Package engine is Switchboard's block SDK and interpreter.
//
// A block type is described once by a [Spec]: its parameters, its exits and how to build its
// runtime from validated parameters. Specs live in a [Registry]; the same registry drives the
// flow validator, the JSON Schema, the generated block reference and the editor's palette.
//
// A loaded flow version is a [Flow]: a graph of [Node]s whose parameters are already decoded and
// whose expressions are already compiled. The interpreter runs sessions of a Flow step by step.
// Side effects leave the engine through small interfaces, so the same interpreter serves the
// command line, flow tests, the benchmarks and the server.
//
// [Runtime.Start] runs a new session until it waits or ends, and [Runtime.Resume] delivers an
// event to a waiting one; both return the [Step]s they ran. [Runtime.StartTrace] and
// [Runtime.ResumeTrace] return the same run's [Trace] instead: the steps in the compact form the
// interpreter records them in (40 bytes a step where a Step takes 184), given as Steps on
// demand and written to JSON as they are. The server keeps traces that way, and the routing
// benchmark reads them so.
//
// A step's Duration is measured only when its block reaches outside the engine: when it asks
// for the run's context or the runtime's services (an outbox send, a look-up, a subflow's load,
// an HTTP call), where time can pass. A step that only computes takes less time than a reading
// of the clock, and is not timed; the operation budget bounds its work. The run's deadline
// counts from its first reading of the clock, as a step first reaches out or after a few steps
// that do not, and is checked as steps that reach out end and every few steps besides. The
// spans of a Tracer time every block.
//
// The engine knows nothing of HTTP, SQL or YAML.
package engine
