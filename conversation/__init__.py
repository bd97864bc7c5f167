"""The conversation core: the neutral message in, the understood intent (NLU), the chat state, the
button codec, the handler registry and the router that ties them together."""
