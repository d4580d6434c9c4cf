"""Words shared by every page that are not about one result: the Easy Read
pictures and the questions to ask a care service.

Each result's own words (label, meaning, Easy Read lines) are in
providers/results/presenter.py. tests/pages/test_reading_level.py checks that every text
stays at a reading age of about 9 to 11.

Each Easy Read line is (picture, sentence): one idea per sentence. Pictures
are SVG files in static/images/easy-read/, described in EASY_READ_PICTURES.
"""

# What each Easy Read picture shows (for people who draw or check them). On
# the pages the pictures are decoration: the sentence beside each one says
# it all, so their text alternative is empty and screen readers skip them.
EASY_READ_PICTURES = {
    "tick": "A green tick",
    "cross": "A red cross",
    "arrow": "An arrow pointing forward",
    "warning": "A warning sign",
    "calendar": "A calendar",
    "dash": "An empty box",
    "search": "A magnifying glass",
    "question": "A person asking a question",
    "lock": "A padlock",
    "list": "A list of things to do",
    "house": "A care home",
    "folder": "A folder of papers",
    "computer": "A computer",
    "people": "People talking",
    "phone": "A telephone",
    "eye": "An eye",
    "letter": "A letter in an envelope",
}

# What people said they did not know (the 2023 study): questions to ask.
QUESTIONS = [
    "What information do you keep about me?",
    "What do you use my information for?",
    "Who do you share my information with?",
    "How do you keep my information safe?",
    "How can I see the information you keep about me?",
    "Who do I tell if I am worried about my information?",
]

EASY_READ_QUESTIONS = [
    ("folder", "What do you write down about me?"),
    ("question", "Why do you need it?"),
    ("people", "Who else sees it?"),
    ("lock", "How do you keep it safe?"),
    ("computer", "Can I see it?"),
    ("phone", "Who do I tell if I am worried?"),
]
