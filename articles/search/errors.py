def describe_search_errors(errors):
    """``SearchResults.errors`` (a dict, list or text) as one line for a 400 response."""
    if isinstance(errors, dict):
        return "; ".join(f"{name}: {describe_search_errors(v)}" for name, v in errors.items())
    if isinstance(errors, list | tuple):
        return "; ".join(map(str, errors))
    return str(errors)
