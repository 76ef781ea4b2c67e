# Numbers as message text, rounded the same way under OPA and regorus.
# Part of the `orgscan.lib.util` package (one package over the util_*.rego files, so policies
# call every helper as `util.…`). Plain Rego v1: runs the same under regorus and OPA.
package orgscan.lib.util

import rego.v1

# A number as text with one decimal, rounded half away from zero. sprintf's %.1f rounds
# differently in OPA (Go) and regorus (Rust), so messages use this instead.
fixed1(x) := concat("", [sign_text(x), sprintf("%d.%d", [floor(t / 10), t % 10])]) if {
	t := round(abs(x) * 10)
}

sign_text(x) := "-" if {
	x < 0
} else := ""

# A whole number as text (rounded half away from zero).
fixed0(x) := sprintf("%d", [round(x)])
