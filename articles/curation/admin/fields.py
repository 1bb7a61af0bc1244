"""Form fields that edit the article's list fields (authors, tags, captions)
as text an editor can read and type, instead of raw JSON."""

import re

from django import forms

_COMMAS = re.compile(r"\s*,\s*")


class NameListField(forms.CharField):
    """A list of names, one a line (and, with ``commas``, also separated by
    commas); blank lines and repeats are dropped."""

    def __init__(self, *, commas=False, **kwargs):
        self.commas = commas
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        names = []
        for line in text.splitlines():
            for name in _COMMAS.split(line) if self.commas else [line]:
                name = " ".join(name.split())
                if len(name) > 200:
                    raise forms.ValidationError(
                        "“%(start)s…” is longer than 200 characters.", params={"start": name[:40]}
                    )
                if name and name not in names:
                    names.append(name)
        return names


class CaptionsField(forms.CharField):
    """Photo captions, one a line as ``text | credit`` (the credit optional):
    stored as ``[{"text": ..., "credit": ...}]``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if not isinstance(value, list):
            return value
        lines = []
        for caption in value:
            if isinstance(caption, dict):
                text, credit = caption.get("text", ""), caption.get("credit") or ""
                lines.append(f"{text} | {credit}" if credit else text)
            else:
                lines.append(str(caption))
        return "\n".join(lines)

    def to_python(self, value):
        text = super().to_python(value) or ""
        captions, problems = [], []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            caption, _, credit = line.rpartition("|") if "|" in line else (line, "", "")
            caption, credit = " ".join(caption.split()), " ".join(credit.split())
            if not caption:
                problems.append(f"line {number}: a caption needs its text before the “|”.")
                continue
            captions.append({"text": caption, "credit": credit})
        if problems:
            raise forms.ValidationError(problems)
        return captions
