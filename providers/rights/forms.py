"""The questions of the letter maker. Nothing typed here is stored or logged."""

from django import forms

from providers.rights import words

WHO = [("me", "Myself"), ("someone", "Someone I support, who has agreed that I can ask for them")]


def _free_text(value: str) -> str:
    """What someone typed, without control characters or runs of spaces (new lines kept)."""
    lines = ("".join(ch for ch in line if ch.isprintable()) for line in value.splitlines())
    return "\n".join(" ".join(line.split()) for line in lines).strip()


class LetterForm(forms.Form):
    service = forms.CharField(widget=forms.HiddenInput, max_length=20)
    kind = forms.ChoiceField(label="What do you want to ask?", widget=forms.RadioSelect,
                             choices=[(kind.key, kind.label) for kind in words.KINDS.values()],
                             error_messages={"required": "Choose what you want to ask"})
    who = forms.ChoiceField(label="Who is the information about?", widget=forms.RadioSelect, choices=WHO,
                            error_messages={"required": "Choose who the information is about"})
    their_name = forms.CharField(label="Their name (optional)", max_length=80, required=False,
                                 help_text="Only if you are asking for someone you support.")
    your_name = forms.CharField(label="Your name (optional)", max_length=80, required=False,
                                help_text="Or leave it empty and write it on the letter by hand.")
    details = forms.CharField(label="What is wrong, or what worries you? (optional)", max_length=600, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="For a correction or a concern. Do not include health details.")

    def clean(self):
        data = super().clean()
        for name in ("their_name", "your_name", "details"):
            data[name] = _free_text(data.get(name) or "")
        return data
