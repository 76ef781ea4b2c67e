# Time: nanosecond constants, RFC 3339 parsing and whole days between dates.
# Part of the `orgscan.lib.util` package (one package over the util_*.rego files, so policies
# call every helper as `util.…`). Plain Rego v1: runs the same under regorus and OPA.
package orgscan.lib.util

import rego.v1

ns_per_day := 86400000000000

ns_per_hour := 3600000000000

# Nanoseconds since the epoch of an RFC 3339 timestamp (orgscan writes them canonical).
ts_ns(ts) := time.parse_rfc3339_ns(ts)

# Whole days between a timestamp and the evaluation time (negative when in the future).
days_since(ts) := floor((input.now_ns - ts_ns(ts)) / ns_per_day)

days_until(ts) := floor((ts_ns(ts) - input.now_ns) / ns_per_day)

# Whole days between two timestamps (b after a gives a positive number).
days_between(a, b) := floor((ts_ns(b) - ts_ns(a)) / ns_per_day)
