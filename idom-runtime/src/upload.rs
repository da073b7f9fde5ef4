//! [`Upload`]: a file the browser is sending, as an `onchange` handler of a file input gets it.
//!
//! # Design
//!
//! The bytes do not travel on the websocket. When the user picks files, the client announces them
//! (`upload-start`: names, sizes, types); the server checks each against the app's size limit,
//! makes an [`Upload`] per file and a single-use URL per accepted one, and delivers the `onchange`
//! event with the uploads attached ([`Event::files`](crate::Event::files)). The client then
//! `POST`s each file to its URL, and the server feeds the request body into the upload as it
//! arrives (see `server/upload.rs`). So a large file never delays events, and a handler reads a
//! file as a stream, at its own pace:
//!
//! - **Bounded.** Between the request body and the handler sits a channel of
//!   [`BUFFERED_CHUNKS`] chunks of at most [`CHUNK_SIZE`] bytes. A handler that reads slowly
//!   slows the upload down (the server stops reading the request), it never grows the buffer.
//! - **Progress.** [`Upload::received`] counts the bytes that reached the server, and each
//!   [`Upload::chunk`] is a point at which a handler can show it.
//! - **Every end is told.** A file that completes ends the stream (`None`); one that was refused
//!   (over the limit), aborted (the browser went away), or cut short ends it with an
//!   [`UploadError`] first, never silently with fewer bytes.
//!
//! This module is the core's half: it needs no transport, so tests build uploads with
//! [`Upload::channel`].

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bytes::Bytes;
use tokio::sync::{Mutex, mpsc};

/// The largest piece of a file a handler gets from one [`Upload::chunk`].
pub const CHUNK_SIZE: usize = 64 * 1024;

/// How many chunks the server holds for one upload before it stops reading the request.
pub const BUFFERED_CHUNKS: usize = 4;

/// Why an upload did not deliver its whole file.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UploadError {
    /// The file is larger than the app's limit (declared so, or found so as it arrived).
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The browser stopped sending before the end (it closed the page or lost the network).
    #[error("the upload was aborted after {received} of {size} bytes")]
    Aborted {
        /// Bytes that arrived.
        received: u64,
        /// Bytes announced.
        size: u64,
    },
    /// The browser sent more bytes than it announced.
    #[error("the browser sent more than the {size} bytes it announced")]
    Oversent {
        /// Bytes announced.
        size: u64,
    },
    /// The browser never started sending within the time it had.
    #[error("the upload never started")]
    Expired,
    /// More files at once than the server takes.
    #[error("too many files at once (at most {max})")]
    TooMany {
        /// The most files one input may send at once.
        max: usize,
    },
}

impl UploadError {
    /// The short reason the client is told (`upload-refused`'s `reason`).
    pub fn reason(&self) -> &'static str {
        match self {
            UploadError::TooLarge { .. } => "too-large",
            UploadError::Aborted { .. } => "aborted",
            UploadError::Oversent { .. } => "oversent",
            UploadError::Expired => "expired",
            UploadError::TooMany { .. } => "too-many",
        }
    }
}

/// A file the browser is uploading: its name, size and MIME type as the browser announced them,
/// and its bytes as a stream ([`chunk`](Self::chunk)). Cheap to clone: clones share the stream
/// (each chunk goes to one reader).
///
/// ```
/// use idom::upload::Upload;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (upload, feed) = Upload::channel("notes.txt", 11, "text/plain");
/// tokio::spawn(async move {
///     feed.send(bytes::Bytes::from_static(b"hello ")).await.unwrap();
///     feed.send(bytes::Bytes::from_static(b"world")).await.unwrap();
/// });
/// let mut text = Vec::new();
/// while let Some(chunk) = upload.chunk().await {
///     text.extend_from_slice(&chunk.unwrap());
/// }
/// assert_eq!((text.as_slice(), upload.received()), (&b"hello world"[..], 11));
/// # });
/// ```
#[derive(Clone)]
pub struct Upload {
    inner: Arc<UploadInner>,
}

struct UploadInner {
    name: String,
    size: u64,
    mime: String,
    received: AtomicU64,
    /// Set once the stream told its end (or its error), so a reader after that gets `None`.
    ended: AtomicBool,
    refused: Option<UploadError>,
    chunks: Mutex<Option<Receiver>>,
}

type Receiver = mpsc::Receiver<Result<Bytes, UploadError>>;

impl PartialEq for Upload {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("name", &self.inner.name)
            .field("size", &self.inner.size)
            .field("mime", &self.inner.mime)
            .field("received", &self.received())
            .field("refused", &self.inner.refused)
            .finish()
    }
}

/// The server's end of an [`Upload`]: it feeds the bytes in as they arrive.
#[derive(Debug)]
pub struct UploadFeed {
    upload: Upload,
    sender: mpsc::Sender<Result<Bytes, UploadError>>,
}

/// Why a feed took no more bytes.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum FeedError {
    /// The handler (and with it the upload's reader) has gone: nobody reads the bytes any more.
    #[error("nobody reads this upload any more (its component or session has gone)")]
    ReaderGone,
    /// More bytes than the upload announced; the reader was told.
    #[error("more bytes than the upload announced")]
    Oversent,
}

impl Upload {
    fn make(name: &str, size: u64, mime: &str, refused: Option<UploadError>, chunks: Option<Receiver>) -> Upload {
        Upload {
            inner: Arc::new(UploadInner {
                name: name.to_owned(),
                size,
                mime: mime.to_owned(),
                received: AtomicU64::new(0),
                ended: AtomicBool::new(false),
                refused,
                chunks: Mutex::new(chunks),
            }),
        }
    }

    /// An upload of `size` bytes and the feed its bytes go into (the server's side, or a test's).
    pub fn channel(name: &str, size: u64, mime: &str) -> (Upload, UploadFeed) {
        let (sender, receiver) = mpsc::channel(BUFFERED_CHUNKS);
        let upload = Upload::make(name, size, mime, None, Some(receiver));
        (upload.clone(), UploadFeed { upload, sender })
    }

    /// An upload the server refused before any byte travelled: reading it gives `error`.
    pub fn refused(name: &str, size: u64, mime: &str, error: UploadError) -> Upload {
        Upload::make(name, size, mime, Some(error), None)
    }

    /// The file's name, as the browser gave it (no path).
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The size the browser announced, in bytes.
    pub fn size(&self) -> u64 {
        self.inner.size
    }

    /// The MIME type the browser announced (`application/octet-stream` when it had none).
    pub fn mime(&self) -> &str {
        &self.inner.mime
    }

    /// Bytes that reached the server so far: the upload's progress, out of [`size`](Self::size).
    pub fn received(&self) -> u64 {
        self.inner.received.load(Ordering::Acquire)
    }

    /// Why the server refused the file before it was sent, if it did.
    pub fn refusal(&self) -> Option<&UploadError> {
        self.inner.refused.as_ref()
    }

    /// The next piece of the file (at most [`CHUNK_SIZE`] bytes), waiting for it to arrive;
    /// `None` once the whole file was read. A file that cannot complete gives one `Err` and then
    /// `None`.
    pub async fn chunk(&self) -> Option<Result<Bytes, UploadError>> {
        if self.inner.ended.load(Ordering::Acquire) {
            return None;
        }
        if let Some(error) = &self.inner.refused {
            self.inner.ended.store(true, Ordering::Release);
            return Some(Err(error.clone()));
        }
        let mut chunks = self.inner.chunks.lock().await;
        let next = match chunks.as_mut() {
            Some(receiver) => receiver.recv().await,
            None => None,
        };
        match next {
            Some(Ok(bytes)) => Some(Ok(bytes)),
            Some(Err(error)) => {
                self.end(&mut chunks);
                Some(Err(error))
            }
            None => {
                self.end(&mut chunks);
                let (received, size) = (self.received(), self.size());
                (received != size).then_some(Err(UploadError::Aborted { received, size }))
            }
        }
    }

    fn end(&self, chunks: &mut Option<Receiver>) {
        *chunks = None;
        self.inner.ended.store(true, Ordering::Release);
    }

    /// Reads the rest of the file into memory. For files the app knows to be small; stream the
    /// others with [`chunk`](Self::chunk).
    pub async fn bytes(&self) -> Result<Vec<u8>, UploadError> {
        let mut all = Vec::with_capacity(usize::try_from(self.size()).unwrap_or(0).min(16 * 1024 * 1024));
        while let Some(chunk) = self.chunk().await {
            all.extend_from_slice(&chunk?);
        }
        Ok(all)
    }
}

impl UploadFeed {
    /// The upload this feed fills.
    pub fn upload(&self) -> &Upload {
        &self.upload
    }

    /// Sends `bytes` to the reader, in pieces of at most [`CHUNK_SIZE`], waiting while the
    /// reader's buffer is full. Bytes beyond the announced size end the upload with
    /// [`UploadError::Oversent`].
    pub async fn send(&self, mut bytes: Bytes) -> Result<(), FeedError> {
        let inner = &self.upload.inner;
        let total = inner.received.load(Ordering::Acquire) + bytes.len() as u64;
        if total > inner.size {
            self.fail(UploadError::Oversent { size: inner.size }).await;
            return Err(FeedError::Oversent);
        }
        while !bytes.is_empty() {
            let piece = bytes.split_to(bytes.len().min(CHUNK_SIZE));
            // Progress is what reached the server, buffered or read.
            inner.received.fetch_add(piece.len() as u64, Ordering::AcqRel);
            self.sender.send(Ok(piece)).await.map_err(|_| FeedError::ReaderGone)?;
        }
        Ok(())
    }

    /// Ends the upload with `error` (the reader gets it after the chunks already buffered).
    pub async fn fail(&self, error: UploadError) {
        let _ = self.sender.send(Err(error)).await;
    }

    /// Ends the upload with `error` without waiting: for an upload whose buffer is empty (one
    /// that never started). Does nothing when the buffer is full.
    pub fn fail_now(&self, error: UploadError) {
        let _ = self.sender.try_send(Err(error));
    }

    /// Whether the reader has gone (its component unmounted, or its session ended).
    pub fn is_closed(&self) -> bool {
        self.sender.is_closed()
    }
}
