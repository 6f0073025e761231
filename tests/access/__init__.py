"""Access and anonymity: who can do what, on which page and export, and what each output shows."""
