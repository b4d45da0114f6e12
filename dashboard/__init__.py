"""The web app: Dash pages that show what the metrics engine computes; it never computes a number.

`dashboard/pages/<page>/` is a page with its own ids, parts, words and callbacks; no page imports another page's
private (`_`) modules. Shared widgets (components, figures, filters, sentences) sit beside the pages. May import
every package but `cli` and `snapshots`.
"""
