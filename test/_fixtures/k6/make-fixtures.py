# Writes the k6 fixtures of this directory in the documented k6 JSON output format (see docs/k6.md).
# Run from this directory: python3 make-fixtures.py (deterministic: fixed seeds).
import json, random, datetime
random.seed(7)
BASE = datetime.datetime(2026, 11, 21, 10, 0, 0, tzinfo=datetime.timezone.utc)

def ts(ms_float, offset_hours=0):
    # Go time.Time JSON: RFC3339 with nanoseconds, trailing zeros trimmed
    t = BASE + datetime.timedelta(microseconds=round(ms_float*1000))
    ns = round(ms_float * 1e6) % 1_000_000_000
    tz = datetime.timezone(datetime.timedelta(hours=offset_hours))
    lt = t.astimezone(tz)
    frac = f"{ns:09d}".rstrip('0')
    s = lt.strftime('%Y-%m-%dT%H:%M:%S') + (('.' + frac) if frac else '')
    s += 'Z' if offset_hours == 0 else ('+%02d:00' % offset_hours)
    return s

def metric(name, typ, contains='default', thresholds=None, submetrics=None, legacy=False):
    if legacy:
        return {"type":"Metric","data":{"type":typ,"contains":contains,"tainted":None,"thresholds":thresholds or [],"submetrics":submetrics},"metric":name}
    return {"type":"Metric","data":{"name":name,"type":typ,"contains":contains,"thresholds":thresholds or [],"submetrics":submetrics},"metric":name}

def point(name, t, value, tags, metadata=None):
    d = {"time": t, "value": value, "tags": tags}
    if metadata: d["metadata"] = metadata
    return {"metric": name, "type": "Point", "data": d}

URL = "http://127.0.0.1:18080/"
def http_tags(status, expected, error_code=None, error=None, scenario='default'):
    t = {"expected_response": "true" if expected else "false", "group": "", "method": "GET", "name": URL, "proto": "HTTP/1.1" if status else "", "scenario": scenario, "status": str(status), "url": URL}
    if error_code: t["error_code"] = str(error_code)
    if error: t["error"] = error
    return t

def iteration(lines, declared, start_ms, kind, timeout_ms=2000, offset=0, scenario='default', wall=False):
    # kind: ('ok', dur) | ('refused',) | ('timeout',) | ('s503', dur) | ('dialtimeout',)
    blocked = 0.0
    if kind[0] == 'ok':
        dur = kind[1]; status=200; exp=True; code=None; err=None; blocked = 0.01
    elif kind[0] == 's503':
        dur = kind[1]; status=503; exp=False; code=1503; err=None
    elif kind[0] == 'refused':
        dur = 0; status=0; exp=False; code=1212; err="dial tcp 127.0.0.1:18080: connect: connection refused"; blocked=0.4
    elif kind[0] == 'timeout':
        dur = float(timeout_ms) + 0.311; status=0; exp=False; code=1050; err="request timeout"
    elif kind[0] == 'dialtimeout':
        dur = 0; status=0; exp=False; code=1211; err="dial: i/o timeout"; blocked = 1000.0
    wall_ms = round(dur + blocked, 0) if not wall else None
    end = start_ms + blocked + dur
    t = ts(end, offset)
    tags = http_tags(status, exp, code, err, scenario)
    def decl(name, typ, contains='default', **kw):
        if name not in declared:
            declared.add(name)
            lines.append(metric(name, typ, contains, **kw))
    http_metrics = [("http_reqs","counter","default",1),("http_req_duration","trend","time",dur),("http_req_blocked","trend","time",blocked),("http_req_connecting","trend","time",blocked*0.8),("http_req_tls_handshaking","trend","time",0),("http_req_sending","trend","time",0.02 if status else 0),("http_req_waiting","trend","time",max(0,dur-0.05)),("http_req_receiving","trend","time",0.03 if status else 0),("http_req_failed","rate","default",0 if exp else 1)]
    for name, typ, contains, v in http_metrics:
        if name == 'http_req_duration':
            decl(name, typ, contains, thresholds=["p(95)<500"], submetrics=[{"name":"http_req_duration{expected_response:true}","suffix":"expected_response:true","tags":{"expected_response":"true"}}])
        elif name == 'http_req_failed':
            decl(name, typ, contains, thresholds=[{"threshold":"rate<0.01","abortOnFail":False,"delayAbortEval":None}])
        else:
            decl(name, typ, contains)
        lines.append(point(name, t, round(v, 6), dict(tags)))
    if wall:
        lat = round(blocked + dur + 0.4)
        ok = exp
        wtags = {"error_code": str(code or 0), "group": "", "ok": "true" if ok else "false", "scenario": scenario, "status": str(status)}
        if err: wtags["error"] = err
        decl("drillproof_latency", "trend", "time")
        lines.append(point("drillproof_latency", t, lat, wtags))
        decl("drillproof_ok", "rate")
        lines.append(point("drillproof_ok", t, 1 if ok else 0, wtags))
    it_tags = {"group": "", "scenario": scenario}
    decl("data_sent","counter","data"); lines.append(point("data_sent", t, 80 if status else 0, dict(it_tags)))
    decl("data_received","counter","data"); lines.append(point("data_received", t, 180 if status else 0, dict(it_tags)))
    decl("iteration_duration","trend","time"); lines.append(point("iteration_duration", t, round(blocked+dur+0.2, 6), dict(it_tags)))
    decl("iterations","counter"); lines.append(point("iterations", t, 1, dict(it_tags)))
    return end

def sort_by_time(lines):
    # k6 flushes in arrival (completion) order; keep Metric lines right before the first point of their metric
    return lines

def build(plan, rate, offset_for, wall=False, scenario='default', legacy_first=False):
    lines=[]; declared=set()
    events=[]
    interval = 1000.0/rate
    for i, kind in enumerate(plan):
        start = i*interval + random.uniform(0, 0.9)
        events.append((start, kind))
    # produce per-iteration blocks, then order blocks by end time (completion order)
    blocks=[]
    for start, kind in events:
        b=[]; iteration(b, set(), start, kind, offset=offset_for(start), scenario=scenario, wall=wall)
        dur = {'ok': lambda k: k[1], 's503': lambda k: k[1], 'refused': lambda k: 0.4, 'timeout': lambda k: 2000.311, 'dialtimeout': lambda k: 1000}[kind[0]](kind)
        blocks.append((start+dur, b))
    blocks.sort(key=lambda x: x[0])
    out=[]
    for end, b in blocks:
        for l in b:
            if l["type"]=="Metric":
                continue
            if l["type"]=="Point" and l["metric"] not in declared:
                declared.add(l["metric"])
                typ = {"http_reqs":"counter","http_req_failed":"rate","data_sent":"counter","data_received":"counter","iterations":"counter","drillproof_ok":"rate"}.get(l["metric"],"trend")
                contains = "data" if l["metric"].startswith("data_") else ("default" if typ in ("counter","rate") else "time")
                kw={}
                if l["metric"]=="http_req_duration":
                    kw=dict(thresholds=["p(95)<500"], submetrics=[{"name":"http_req_duration{expected_response:true}","suffix":"expected_response:true","tags":{"expected_response":"true"}}])
                if l["metric"]=="http_req_failed":
                    kw=dict(thresholds=[{"threshold":"rate<0.01","abortOnFail":False,"delayAbortEval":None}])
                legacy = legacy_first and l["metric"] in ("http_reqs","iterations")
                out.append(metric(l["metric"], typ, contains, legacy=legacy, **kw))
            out.append(l)
    return out, blocks

def vus_points(out, n, offset=0):
    out.insert(0, point("vus", ts(0, offset), 1, None))
    out.insert(0, metric("vus","gauge"))

# healthy: 10/s for 4s, all OK, Z times
plan = [('ok', round(random.uniform(3, 40), 6)) for _ in range(40)]
out, _ = build(plan, 10, lambda s: 0)
vus_points(out, 1)
open('healthy-v2.ndjson','w').write(''.join(json.dumps(l, separators=(',',':'))+'\n' for l in out))

# outage: 10/s for 10s; 0-3s ok, 3-6s mixed failures, 6-10s ok; +02:00 offsets in the second half; legacy metric lines
plan=[]
for i in range(100):
    s = i*100
    if s < 3000 or s >= 6000:
        plan.append(('ok', round(random.uniform(3, 60), 6)))
    else:
        plan.append([('refused',),('s503', round(random.uniform(1,5),6)),('timeout',),('dialtimeout',),('refused',)][i%5])
out, _ = build(plan, 10, lambda s: 2 if s >= 5000 else 0, legacy_first=True)
vus_points(out, 1)
# dropped iterations during the outage (no free VU)
idx = next(i for i,l in enumerate(out) if l["type"]=="Point" and l["metric"]=="http_req_duration" and "2026-11-21T10:00:04.5" <= l["data"]["time"])
drop = [metric("dropped_iterations","counter")] + [point("dropped_iterations", ts(4500 + 100*k), 1, {"group":"","scenario":"default"}) for k in range(3)]
out[idx:idx] = drop
open('outage-v1.ndjson','w').write(''.join(json.dumps(l, separators=(',',':'))+'\n' for l in out))

# generated-script run: drillproof_latency + drillproof_ok points as well as the http metrics
plan=[]
for i in range(60):
    s=i*100
    plan.append(('ok', round(random.uniform(2,30),6)) if (s<2000 or s>=4000) else [('refused',),('timeout',),('s503',2.5)][i%3])
out, _ = build(plan, 10, lambda s: 0, wall=True, scenario='drillproof')
vus_points(out, 2)
open('generated-run.ndjson','w').write(''.join(json.dumps(l, separators=(',',':'))+'\n' for l in out))

# long generated-script run: 20 s at 10/s; ok 0-8 s, outage 8-11 s, ok 11-20 s
random.seed(11)
plan=[]
for i in range(200):
    s=i*100
    plan.append(('ok', round(random.uniform(2,40),6)) if (s<8000 or s>=11000) else [('refused',),('timeout',),('s503',2.5),('dialtimeout',)][i%4])
out, _ = build(plan, 10, lambda s: 0, wall=True, scenario='drillproof')
vus_points(out, 2)
open('generated-run-20s.ndjson','w').write(''.join(json.dumps(l, separators=(',',':'))+'\n' for l in out))
