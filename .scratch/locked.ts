import { seedServers, seededServerId } from "../emulator";
import { runDemo } from "../demo/runDemo";
const locked = seededServerId(2);
const servers = seedServers(8).map((s) => (s.id === locked ? { ...s, locked: true } : s));
const t0 = Date.now();
runDemo({ say: (l) => console.log(((Date.now()-t0)/1000).toFixed(1), l), colors: false, servers }).then(
  () => console.log("resolved"), (e) => console.log("rejected", e.code, e.step, String(e.message).slice(0,300)));
