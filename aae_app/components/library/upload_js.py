"""The browser half of direct-to-storage uploads (see aae_app/state/creatives.py for why).

Files dropped on the drop zone stay in the browser (`stage` keeps the File objects and hands
the server only name, type and size); the server answers with one presigned POST per file, and
`send` posts each file straight to storage with XMLHttpRequest, reporting progress and the
outcome back as Reflex events. The code is an expression, installed on first use, because a
Reflex event can only carry an expression.
"""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from reflex_base.event import parse_args_spec
from reflex_base.utils.format import format_queue_events
from reflex_base.vars.base import Var
from reflex_components_core.core.upload import _on_drop_spec

INSTALL = """window.aaeCreativeUploads = window.aaeCreativeUploads || (() => {
  const files = {};
  let seq = 0;
  return {
    stage(list) {
      return Array.from(list || []).map((file) => {
        const id = "u" + Date.now().toString(36) + (seq++).toString(36);
        files[id] = file;
        return {local_id: id, name: file.name, content_type: file.type || "", size: file.size};
      });
    },
    send(tickets, onProgress, onDone) {
      for (const ticket of tickets) {
        const file = files[ticket.local_id];
        delete files[ticket.local_id];
        if (!file) { onDone(ticket.local_id, ticket.creative_id, false, 0); continue; }
        const form = new FormData();
        for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
        form.append("file", file);
        const xhr = new XMLHttpRequest();
        let last = -1, lastAt = 0;
        xhr.upload.onprogress = (e) => {
          if (!e.lengthComputable) return;
          const pct = Math.min(100, Math.floor((e.loaded / e.total) * 100));
          const now = Date.now();
          if (pct !== last && (now - lastAt > 200 || pct === 100)) {
            last = pct; lastAt = now; onProgress(ticket.local_id, pct);
          }
        };
        xhr.onload = () => onDone(ticket.local_id, ticket.creative_id, xhr.status >= 200 && xhr.status < 300, xhr.status);
        xhr.onerror = () => onDone(ticket.local_id, ticket.creative_id, false, 0);
        xhr.open(ticket.method || "POST", ticket.url);
        xhr.send(form);
      }
      return tickets.length;
    },
    discard(ids) { for (const id of ids || []) delete files[id]; },
  };
})();"""


def stage_files(on_staged: rx.event.EventType) -> rx.event.EventSpec:
    """On drop: keep the File objects in the page, send their descriptions to `on_staged`.

    The dropzone calls its handler with the accepted files; the placeholder names that argument.
    """
    files = parse_args_spec(_on_drop_spec)[0][0]
    code = f"(() => {{ {INSTALL} return window.aaeCreativeUploads.stage({files!s}); }})"
    return rx.call_function(Var(_js_expr=code), callback=on_staged)


def send_files(tickets: list[dict[str, Any]], on_progress: rx.event.EventHandler,
               on_done: rx.event.EventHandler) -> rx.event.EventSpec:
    """From the server: post each staged file to its presigned URL."""
    progress = format_queue_events(on_progress, args_spec=lambda local_id, percent: [local_id, percent])
    done = format_queue_events(on_done, args_spec=lambda local_id, creative_id, ok, status: [local_id, creative_id,
                                                                                             ok, status])
    code = (f"(() => {{ {INSTALL} return window.aaeCreativeUploads.send({json.dumps(tickets)}, {progress!s}, "
            f"{done!s}); }})")
    return rx.call_function(code)


def discard_files(local_ids: list[str]) -> rx.event.EventSpec:
    return rx.call_function(f"(() => {{ {INSTALL} return window.aaeCreativeUploads.discard({json.dumps(local_ids)}); }})")
