// Validates Kubernetes manifests (a YAML stream, as `kubectl kustomize` prints it) against
// the API schemas of the npm `kubernetes-models` package: types, required fields, enums,
// formats. Prints one line per object; exits 1 if any object is invalid or of a kind the
// package does not know. Usage: node validate.mjs FILE... (or - for standard input).
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// "apps/v1" -> kubernetes-models/apps/v1/KIND; "v1" (the core group) -> kubernetes-models/v1/KIND
function modulePath(apiVersion, kind) {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

let failures = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) {
      console.log(`${file}: YAML: ${doc.errors[0].message}`);
      failures++;
      continue;
    }
    const object = doc.toJS();
    if (object === null) continue;
    const what = `${object.kind}/${object.metadata?.name ?? "?"}`;
    let model;
    try {
      model = await import(modulePath(object.apiVersion, object.kind));
    } catch {
      console.log(`${file}: ${what}: unknown apiVersion/kind ${object.apiVersion} ${object.kind}`);
      failures++;
      continue;
    }
    try {
      new model[object.kind](object).validate();
      console.log(`valid ${object.apiVersion} ${what}`);
    } catch (e) {
      const details = (e.errors ?? []).map((x) => `${x.instancePath} ${x.message}`).join("; ");
      console.log(`${file}: ${what}: invalid: ${details || e.message}`);
      failures++;
    }
  }
}
process.exit(failures ? 1 : 0);
