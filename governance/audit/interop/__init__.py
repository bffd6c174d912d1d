"""Round trips with the tools audit teams use: Inspect AI and promptfoo, read and written."""
