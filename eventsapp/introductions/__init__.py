"""Introduction requests: an intern asks to meet a senior colleague; the senior accepts or declines."""
