//! Pages, URL state and uploads in headless Chromium (the shared harness of
//! `tests/common/browser.rs`), on the `pages` and `upload` examples started as processes.

mod common;

use std::time::Duration;

use common::browser::*;
use common::start;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// What the page is: its path and query, its title, and whether the marker set on `window`
/// before is still there (it is not after a reload).
async fn where_am_i(client: &Client) -> Value {
    run_js(client, "return [location.pathname + location.search, document.title, window.__marker === 42];").await
}

async fn wait_at(client: &Client, href: &str, title: &str, marker: bool) {
    let expected = json!([href, title, marker]);
    wait_for(&format!("the page at {href} titled {title:?}"), WAIT, || async {
        let got = where_am_i(client).await;
        if got == expected { Ok(()) } else { Err(got.to_string()) }
    })
    .await;
}

/// Clicking links changes the page without a reload; back and forward move through them.
#[tokio::test]
async fn links_navigate_without_a_reload_and_history_works() {
    let example = start("pages", "127.0.0.1:0");
    let url = example.url.clone();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        wait_at(client, "/", "Home", false).await;
        run_js(client, "window.__marker = 42; return null;").await;

        click(client, "nav a[href='/users']").await;
        wait_texts(client, "main h1", &["Users"]).await;
        wait_at(client, "/users", "Users", true).await;
        click(client, "ul.users a[href='/users/3']").await;
        wait_texts(client, "main h1", &["Alan"]).await;
        wait_at(client, "/users/3", "Alan", true).await;
        // A handler navigates too (use_navigate).
        click(client, "button.back").await;
        wait_at(client, "/users", "Users", true).await;

        client.back().await.expect("back");
        wait_texts(client, "main h1", &["Alan"]).await;
        wait_at(client, "/users/3", "Alan", true).await;
        client.back().await.expect("back");
        wait_at(client, "/users", "Users", true).await;
        client.forward().await.expect("forward");
        wait_texts(client, "main h1", &["Alan"]).await;
        wait_at(client, "/users/3", "Alan", true).await;

        // Only one socket was ever opened: nothing reloaded.
        assert_eq!(run_js(client, "return window.__idomSockets.length;").await, json!(1));
        // A link with a modifier key (a new tab), or marked external, is left to the browser:
        // the client neither sends it nor prevents it. (A listener on `window`, after the
        // client's, records that and stops the real navigation.)
        let left_alone = run_js(
            client,
            "const sent = window.__idomSockets.at(-1).sent, seen = [];
             const record = (ev) => { seen.push(ev.defaultPrevented); ev.preventDefault(); };
             addEventListener('click', record);
             const a = document.querySelector(\"nav a[href='/about']\");
             a.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, ctrlKey: true}));
             a.setAttribute('data-idom-external', '');
             a.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}));
             removeEventListener('click', record);
             return [seen, window.__idomSockets.at(-1).sent - sent, location.pathname];",
        )
        .await;
        assert_eq!(left_alone, json!([[false, false], 0, "/users/3"]));
    })
    .await;
    drop(example);
}

/// A deep link is prerendered: the right page and title arrive in the HTML, before any script.
#[tokio::test]
async fn a_deep_link_prerenders_its_page_and_title() {
    let example = start("pages", "127.0.0.1:0");
    let url = example.url.clone();
    let page = url.clone();
    with_browser(Js::Disabled, |client| async move {
        let url = page;
        let client = &client;
        goto(client, &format!("{url}users/4")).await;
        assert_eq!(client.title().await.expect("title"), "Edsger");
        let h1 = client.find(Locator::Css("main h1")).await.expect("a prerendered h1");
        assert_eq!(h1.text().await.expect("text"), "Edsger");
        goto(client, &format!("{url}nowhere")).await;
        assert_eq!(client.title().await.expect("title"), "Not found");
    })
    .await;
    // The unknown path is a real 404.
    let (status, _) = common::get(&format!("{url}nowhere")).await;
    assert_eq!(status, 404);
    drop(example);
}

/// Filters live in the query string: written in place, kept by a reload.
#[tokio::test]
async fn a_reload_keeps_the_query_filters() {
    let example = start("pages", "127.0.0.1:0");
    let url = example.url.clone();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &format!("{url}users")).await;
        wait_live(client).await;
        run_js(client, "window.__marker = 42; return null;").await;
        click(client, "button.admins").await;
        wait_texts(client, "ul.users li", &["Ada", "Edsger"]).await;
        wait_at(client, "/users?role=admin", "Users", true).await;
        // Replaced, not pushed: back leaves the list.
        assert_eq!(run_js(client, "return history.length;").await, json!(2));

        client.refresh().await.expect("reload");
        wait_live(client).await;
        wait_texts(client, "ul.users li", &["Ada", "Edsger"]).await;
        wait_at(client, "/users?role=admin", "Users", false).await;
        client.find(Locator::Css("input.search")).await.expect("search").send_keys("ed").await.expect("typing");
        wait_texts(client, "ul.users li", &["Edsger"]).await;
        wait_at(client, "/users?role=admin&q=ed", "Users", false).await;
    })
    .await;
    drop(example);
}

/// A temporary file of `len` bytes; removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, len: usize) -> (TempFile, String) {
        let dir = std::env::temp_dir().join(format!("idom-upload-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 253) as u8).collect();
        std::fs::write(&path, &bytes).expect("write the file");
        let hex = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        (TempFile(path), hex)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.0.parent().expect("its dir"));
    }
}

/// Records every text the upload's status shows, from before the file is picked.
const RECORD_STATUS: &str = "window.__seen = [];
    new MutationObserver(() => {
      for (const s of document.querySelectorAll('.status')) window.__seen.push(s.textContent);
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
    return null;";

#[tokio::test]
async fn an_upload_reports_progress_then_its_size_and_sha256() {
    let example = start("upload", "127.0.0.1:0");
    let url = example.url.clone();
    let (file, sha256) = TempFile::new("five.bin", 5 * 1024 * 1024);
    let path = file.0.display().to_string();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        run_js(client, RECORD_STATUS).await;
        let input = client.find(Locator::Css("input[type=file]")).await.expect("the file input");
        input.send_keys(&path).await.expect("picking the file");
        let done = format!("5242880 bytes, sha256 {sha256}");
        wait_for("the upload to finish", Duration::from_secs(60), || async {
            let got = texts(client, ".status").await;
            if got == [done.as_str()] { Ok(()) } else { Err(format!("{got:?}")) }
        })
        .await;
        assert_eq!(texts(client, ".name").await, ["five.bin"]);
        let seen = run_js(client, "return window.__seen;").await;
        let partial = seen
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(Value::as_str)
            .filter(|s| {
                s.starts_with("receiving: ") && !s.starts_with("receiving: 0 ") && !s.starts_with("receiving: 5242880 ")
            })
            .count();
        assert!(partial > 0, "no progress between 0 and the end was shown: {seen}");
    })
    .await;
    drop(file);
    drop(example);
}

#[tokio::test]
async fn a_file_over_the_limit_gets_a_message_and_the_session_keeps_working() {
    let example = start("upload", "127.0.0.1:0");
    let url = example.url.clone();
    let (file, _) = TempFile::new("eleven.bin", 11 * 1024 * 1024);
    let path = file.0.display().to_string();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        let input = client.find(Locator::Css("input[type=file]")).await.expect("the file input");
        input.send_keys(&path).await.expect("picking the file");
        wait_texts(client, ".status", &["refused: the file is larger than the limit of 10485760 bytes"]).await;
        click(client, "button.clicks").await;
        wait_texts(client, "button.clicks", &["Clicks: 1"]).await;
    })
    .await;
    drop(file);
    drop(example);
}
