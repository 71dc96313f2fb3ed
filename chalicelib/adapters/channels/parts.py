"""Splitting a message to a channel's length: one part if it fits, else numbered parts cut between words."""
from __future__ import annotations

import re

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)


def split_message(text: str, limit: int, max_parts: int | None = None, ellipsis: str = "...") -> list[str]:
    """A message as parts of at most `limit` characters: one part if it fits, else numbered parts
    ("... (1/3)") split between words. URLs are dropped (X bills a post with a URL 13 times over; an
    SMS with a link looks like phishing). With `max_parts`, a longer message is shortened to that many
    parts, the last ending in `ellipsis`."""
    words = _URL.sub("", text).split()
    if len(" ".join(words)) <= limit:
        return [" ".join(words)]
    room = limit - len(" (99/99)")
    parts: list[str] = []
    current = ""
    for word in words:
        while len(word) > room:  # a word longer than a part is cut
            if current:
                parts.append(current)
                current = ""
            parts.append(word[:room])
            word = word[room:]
        candidate = f"{current} {word}".strip()
        if len(candidate) > room:
            parts.append(current)
            candidate = word
        current = candidate
    if current:
        parts.append(current)
    if max_parts and len(parts) > max_parts:
        parts = parts[:max_parts]
        parts[-1] = parts[-1][: room - len(ellipsis)].rstrip() + ellipsis
    return [f"{part} ({i}/{len(parts)})" for i, part in enumerate(parts, start=1)]
