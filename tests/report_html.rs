//! The HTML report in a real browser (Debian's headless Chromium): the page renders, our one
//! script runs under the page's Content-Security-Policy, hostile org data renders literally
//! with no injected script running, and 10^5 findings stay small and fast.
//! Install Chromium with `scripts/install-test-deps.sh`; under CI a missing browser fails.

mod report_support;

use orgscan::report::fixture::{hostile_report, large_report, sample_report, wide_report};
use orgscan::report::{render, Format, Report};
use report_support::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn write_html(dir: &Path, name: &str, report: &Report) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, render(report, Format::Html).unwrap()).unwrap();
    path
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn dump_dom(chromium: &Path, page: &Path) -> String {
    let (dom, err) = chromium_run(chromium, &["--dump-dom"], &url(page));
    assert!(
        dom.contains("</html>"),
        "chromium printed no DOM; stderr:\n{}",
        err.chars().take(2000).collect::<String>()
    );
    dom
}

fn html_attr<'a>(dom: &'a str, name: &str) -> Option<&'a str> {
    let start = dom.find("<html")?;
    let tag = &dom[start..start + dom[start..].find('>')?];
    let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[at..].find('"')?;
    Some(&tag[at..at + end])
}

fn title(dom: &str) -> &str {
    let a = dom.find("<title>").map(|i| i + 7).unwrap_or(0);
    let b = dom[a..].find("</title>").map(|i| a + i).unwrap_or(a);
    &dom[a..b]
}

#[test]
fn sample_report_renders_and_its_script_runs() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = write_html(dir.path(), "report.html", &sample_report());
    let dom = dump_dom(&chromium, &page);
    assert_eq!(
        html_attr(&dom, "data-script"),
        Some("ran"),
        "our hashed script must run under the CSP"
    );
    // The script showed the toolbar and counted the controls.
    assert!(
        dom.contains("8 of 8 controls"),
        "filter toolbar did not initialise"
    );
    assert_eq!(title(&dom), "orgscan report — Acme Corp");

    let shot = dir.path().join("report.png");
    let (_, err) = chromium_run(
        &chromium,
        &[
            "--window-size=1280,2400",
            &format!("--screenshot={}", shot.display()),
        ],
        &url(&page),
    );
    let png = std::fs::read(&shot).unwrap_or_else(|e| {
        panic!(
            "no screenshot ({e}); chromium said:\n{}",
            err.chars().take(2000).collect::<String>()
        )
    });
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > 50_000,
        "screenshot looks empty: {} bytes",
        png.len()
    );
    if let Some(keep) = std::env::var_os("ORGSCAN_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}

#[test]
fn hostile_org_data_renders_literally_and_runs_nothing() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = write_html(dir.path(), "hostile.html", &hostile_report());
    let dom = dump_dom(&chromium, &page);
    // Every payload tries `document.title='PWNED…'`; none may have run.
    assert!(
        !title(&dom).starts_with("PWNED"),
        "an injected script ran: title {:?}",
        title(&dom).chars().take(80).collect::<String>()
    );
    assert!(title(&dom).starts_with("orgscan report — "));
    // Our own script still ran (the CSP admits it by hash and nothing else).
    assert_eq!(html_attr(&dom, "data-script"), Some("ran"));
    // Nothing from the data became an element.
    // (Serialised text keeps `"` as is, so look for element starts, which text cannot hold.)
    for bad in ["<img", "<svg onload", "<textarea", "<b>bold</b>"] {
        assert!(
            !dom.contains(bad),
            "injected markup became an element: {bad}"
        );
    }
    // Exactly one script element: ours.
    assert_eq!(dom.matches("<script").count(), 1);
    // The payloads are shown as text.
    assert!(dom.contains("&lt;script&gt;document.title='PWNED"));
    assert!(dom.contains("{{title}}") && dom.contains("{{{raw}}}"));
    assert!(dom.contains("[link](javascript:alert(1))"));
}

#[test]
fn a_hundred_thousand_findings_stay_small_and_fast() {
    check_scale("few controls", &large_report(100_000));
    check_scale("40 controls", &wide_report(100_000, 40));
}

fn check_scale(what: &str, report: &Report) {
    let started = Instant::now();
    let html = render(report, Format::Html).unwrap();
    let render_time = started.elapsed();
    let size = html.len();
    eprintln!("10^5 findings ({what}): HTML {size} bytes, rendered in {render_time:?}");
    assert!(size <= 5 * 1024 * 1024, "HTML is {size} bytes, over 5 MB");
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("large.html");
    std::fs::write(&page, &html).unwrap();
    let dom = dump_dom(&chromium, &page);
    let load_ms: u64 = html_attr(&dom, "data-load-ms")
        .and_then(|v| v.parse().ok())
        .expect("the page recorded its load time");
    eprintln!("10^5 findings ({what}): Chromium load event after {load_ms} ms");
    assert!(load_ms < 2000, "the page took {load_ms} ms to load");
    assert!(dom.contains("Page 1 of"), "long findings lists are paged");
}

/// The detector and the policy themselves: an injected script does set the title without our
/// CSP (so the hostile test would notice one), and our CSP blocks it.
#[test]
fn the_csp_blocks_an_injected_script_that_would_otherwise_run() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let body = "<title>clean</title></head><body><script>document.title='PWNED'</script><img src=x onerror=\"document.title='PWNED2'\"></body></html>";
    let open = dir.path().join("open.html");
    std::fs::write(&open, format!("<!DOCTYPE html><html><head>{body}")).unwrap();
    assert!(title(&dump_dom(&chromium, &open)).starts_with("PWNED"));
    let locked = dir.path().join("locked.html");
    std::fs::write(
        &locked,
        format!(
            "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"{}\">{body}",
            orgscan::report::html::content_security_policy()
        ),
    )
    .unwrap();
    assert_eq!(title(&dump_dom(&chromium, &locked)), "clean");
}

/// The bundled demo org, scanned by the real binary, rendered and photographed.
#[test]
fn demo_report_screenshot() {
    // ORGSCAN_KEEP_DEMO_SCREENSHOT=path keeps the PNG for a look.
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args([
            "scan",
            "--out",
            "demo",
            "--format",
            "html",
            "--exit-zero",
            "--quiet",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "demo scan failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = dir.path().join("demo/report.html");
    let dom = dump_dom(&chromium, &page);
    assert_eq!(html_attr(&dom, "data-script"), Some("ran"));
    assert!(title(&dom).starts_with("orgscan report — "));
    for section in [
        "id=\"overview\"",
        "id=\"recommendations\"",
        "id=\"activity\"",
        "id=\"coverage\"",
        "id=\"provenance\"",
    ] {
        assert!(dom.contains(section), "missing {section}");
    }
    assert!(
        dom.contains("aria-label=\"Events per day\""),
        "the demo has events: a timeline is drawn"
    );
    let shot = dir.path().join("demo.png");
    chromium_run(
        &chromium,
        &[
            "--window-size=1280,3000",
            &format!("--screenshot={}", shot.display()),
        ],
        &url(&page),
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > 50_000,
        "screenshot looks empty: {} bytes",
        png.len()
    );
    if let Some(keep) = std::env::var_os("ORGSCAN_KEEP_DEMO_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}
