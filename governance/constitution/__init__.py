"""From approved guidelines to a versioned Constitutional-AI constitution.

``model`` defines the constitution and its canonical JSON; ``compiler`` builds one from
decisions (a pure function); ``changes`` compares two and picks the version bump;
``conflicts`` flags pairs that may duplicate or contradict each other and text that tries to
steer the model reading it.
"""
