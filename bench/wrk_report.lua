-- wrk done() hook: one machine-readable line (latencies in µs; wrk 4.x corrects them for coordinated omission)
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50_us=%d p90_us=%d p99_us=%d p999_us=%d mean_us=%.1f max_us=%d requests=%d errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.mean, latency.max, summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status))
end
