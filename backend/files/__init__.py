"""The /files route: the local storage directory served with the storage URL contract."""
