"""Move the initializers of several ONNX files into ONE external-data file, each unique tensor once.

Tensors are deduplicated by (dtype, dims, bytes); every model's initializer points at the shared
file with location/offset/length.  Small tensors (< MIN_BYTES) stay inline.
"""
import hashlib, os
import onnx
from onnx import numpy_helper, TensorProto

MIN_BYTES = 1024
ALIGN = 64
BIG_ALIGN = 4096  # page-align big tensors (mmap friendly)


def constants_to_initializers(m):
    """Large Constant nodes (e.g. the zero LM-head bias) become initializers so they can be shared."""
    keep = []
    for n in m.graph.node:
        if n.op_type == "Constant" and len(n.attribute) == 1 and n.attribute[0].name == "value":
            t = n.attribute[0].t
            if len(numpy_helper.to_array(t).tobytes()) >= MIN_BYTES:
                init = numpy_helper.from_array(numpy_helper.to_array(t), n.output[0])
                m.graph.initializer.append(init)
                continue
        keep.append(n)
    del m.graph.node[:]
    m.graph.node.extend(keep)


def content_key(t):
    """(bytes, key) of an initializer; tensors with the same dtype, dims and bytes share one stored copy."""
    raw = t.raw_data if t.HasField("raw_data") else numpy_helper.to_array(t).tobytes()
    return raw, (t.data_type, tuple(t.dims), hashlib.sha1(raw).hexdigest())


def large_initializers(m):
    """(tensor, bytes, content key) of every initializer big enough to live in the external-data file."""
    constants_to_initializers(m)
    for t in m.graph.initializer:
        raw, key = content_key(t)
        if len(raw) >= MIN_BYTES:
            yield t, raw, key


def point_at_external(t, location, off, n):
    """Drop t's inline data and point it at bytes [off, off + n) of the external-data file `location`."""
    for fld in ("float_data", "int32_data", "int64_data", "double_data", "uint64_data", "raw_data"):
        t.ClearField(fld)
    t.data_location = TensorProto.EXTERNAL
    del t.external_data[:]
    for k, v in (("location", location), ("offset", str(off)), ("length", str(n))):
        e = t.external_data.add()
        e.key, e.value = k, v


def share_external_data(model_paths, data_path):
    loc = os.path.basename(data_path)
    index, offset = {}, 0
    with open(data_path, "wb") as fh:
        for p in model_paths:
            m = onnx.load(p)
            for t, raw, key in large_initializers(m):
                if key not in index:
                    pad = (-offset) % (BIG_ALIGN if len(raw) >= 65536 else ALIGN)
                    fh.write(b"\0" * pad)
                    offset += pad
                    fh.write(raw)
                    index[key] = (offset, len(raw))
                    offset += len(raw)
                off, n = index[key]
                point_at_external(t, loc, off, n)
            onnx.save(m, p)
    return index
