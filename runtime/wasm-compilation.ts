// Compiles cedar-wasm eagerly: imported first by runtime/authorizer.ts, so it runs before the engine's wasm module loads.
//
// Why: V8 compiles a wasm module lazily by default, one function on its first call. cedar-wasm is 4 MB, and its first
// preparse and first decision then pay for compiling, function by function, the parser and evaluator they touch.
// Compiling the whole module up front, with V8's background threads, costs less CPU in total from spawn to the first
// Allow (bench/cold-start.ts: the child's CPU time, and the first statefulIsAuthorized drops from tens of ms to ~1 ms)
// and puts the work in the Lambda init phase. The flag only changes how wasm is compiled, never what it computes; it
// applies to modules compiled after this line, which in an authorizer's process is cedar-wasm alone.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-wasm-lazy-compilation');
