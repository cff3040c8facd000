"""Join the parts of a report laid out in parallel into one tagged PDF (pikepdf, issue 18).

The first part (cover, contents...) is the base: its catalog, metadata (XMP, title, language,
PDF/UA identification), viewer preferences and mark info stay. Each later part brings its pages
(pikepdf copies them with every resource they use), and, what pikepdf does not merge itself:
  * its structure tree: its elements go under the one Document element, its parent-tree entries
    are renumbered after the ones before it (pages' /StructParents, annotations' /StructParent);
  * its named destinations (the anchors the contents' links point to: the first part holds empty
    placeholders for the chapters it links to, replaced here by the real ones);
  * its bookmarks, with the destinations they had, appended to the outline.
Fonts: each part embeds the subset of the faces it uses (subsets of one face cannot be shared
without re-subsetting: the cost is some tens of kilobytes per part).
"""
import io

import pikepdf
from pikepdf import NameTree, NumberTree


def _copy(target, value):
    """`value` of another PDF, for `target`: indirect objects through pikepdf's copier (each copied
    once: a page or element copied before is the same copy), direct arrays and dictionaries item by item."""
    if isinstance(value, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)) and value.is_indirect:
        return target.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_copy(target, item) for item in value])
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copy(target, item) for key, item in value.items()})
    return value


def _has_content(element):
    """Whether a structure element marks any content (an MCID, an annotation) in its subtree."""
    kids = element.get("/K")
    if kids is None:
        return False
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid or _has_content(kid):
            return True
    return False


def _is_placeholder(element):
    """A div of spans marking nothing: the first part's placeholder anchors (templates/reports/report.html)."""
    if not isinstance(element, pikepdf.Dictionary) or element.get("/S") != "/Div" or _has_content(element):
        return False
    kids = element.get("/K")
    kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    return bool(kids) and all(isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Span" for kid in kids)


def _drop_empty(element):
    """Remove the elements that mark nothing under `element` (the first part's placeholder anchors:
    empty spans in a div, which a single build does not have)."""
    kids = element.get("/K")
    if not isinstance(kids, pikepdf.Array):
        return
    kept = [kid for kid in kids if not _is_placeholder(kid)]
    if len(kept) != len(kids):
        element.K = pikepdf.Array(kept)
    for kid in kept:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            _drop_empty(kid)


def _max_key(tree):
    keys = [int(key) for key, _value in NumberTree(tree).items()]
    return max(keys) if keys else -1


def _renumber(source, offset):
    """Shift every parent-tree key of `source` (pages and annotations) by `offset`."""
    for page in source.pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset


def _outline_items(source_pdf, target_pdf):
    """The bookmarks of `source_pdf`, copied for `target_pdf` (their destinations' pages already copied)."""
    def copy(item):
        destination = item.destination
        if destination is None and item.action is not None:
            destination = item.action.get("/D")
        if isinstance(destination, (pikepdf.Array, pikepdf.Dictionary)):
            destination = _copy(target_pdf, destination)
        new = pikepdf.OutlineItem(item.title, destination)
        new.is_closed = item.is_closed
        new.children.extend(copy(child) for child in item.children)
        return new

    with source_pdf.open_outline() as outline:
        return [copy(item) for item in outline.root]


def join(paths):
    """The PDF (bytes) made of the PDFs at `paths`, in order."""
    target = pikepdf.open(paths[0])
    tree_root = target.Root.StructTreeRoot
    document = tree_root.K[0] if isinstance(tree_root.K, pikepdf.Array) else tree_root.K
    _drop_empty(document)
    parent_tree = NumberTree(tree_root.ParentTree)
    names = target.Root.Names if "/Names" in target.Root else target.Root.setdefault("/Names", pikepdf.Dictionary())
    if "/Dests" not in names:
        names.Dests = target.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array()))
    dests = NameTree(names.Dests)
    bookmarks = []
    next_key = _max_key(tree_root.ParentTree) + 1
    sources = []
    for path in paths[1:]:
        source = pikepdf.open(path)
        sources.append(source)  # (kept open until the target is saved: copied objects are read lazily)
        source_root = source.Root.StructTreeRoot
        _renumber(source, next_key)
        # Pages first: destinations and structure elements copied after them point to these copies.
        target.pages.extend(source.pages)
        for key, value in NumberTree(source_root.ParentTree).items():
            parent_tree[int(key) + next_key] = _copy(target, value)
        next_key += _max_key(source_root.ParentTree) + 1
        source_document = source_root.K[0] if isinstance(source_root.K, pikepdf.Array) else source_root.K
        children = source_document.K if isinstance(source_document.K, pikepdf.Array) else [source_document.K]
        for child in children:
            copied = _copy(target, child)
            if isinstance(copied, pikepdf.Dictionary):
                copied.P = document
            document.K.append(copied)
        if "/Names" in source.Root and "/Dests" in source.Root.Names:
            for name, destination in NameTree(source.Root.Names.Dests).items():
                dests[name] = _copy(target, destination)
        bookmarks.extend(_outline_items(source, target))
    tree_root.ParentTreeNextKey = next_key
    with target.open_outline() as outline:
        outline.root.extend(bookmarks)
    output = io.BytesIO()
    target.save(output)
    for source in sources:
        source.close()
    target.close()
    return output.getvalue()


def named_destination_pages(path):
    """{anchor: 0-based page index} of a part's named destinations."""
    with pikepdf.open(path) as part:
        if "/Names" not in part.Root or "/Dests" not in part.Root.Names:
            return {}
        index = {page.objgen: number for number, page in enumerate(part.pages)}
        found = {}
        for name, destination in NameTree(part.Root.Names.Dests).items():
            target = destination[0] if isinstance(destination, pikepdf.Array) else destination.D[0]
            found[str(name)] = index.get(target.objgen)
        return found


def page_count(path):
    with pikepdf.open(path) as part:
        return len(part.pages)

