"""Every chat text and button of the assistant, and the light markup each channel renders.

Handlers and the scheduler decide *what* to say; this package decides *how it reads* on a phone."""
