"""Graph edits for test fixtures: fp16 I/O + weights, and an Optimum-style merged decoder (If node)."""
import onnx
from onnx import helper, numpy_helper, TensorProto


def to_fp16_io(model, io_names):
    """Store float initializers as fp16 (Cast back to fp32 inside) and make the named float inputs/outputs fp16."""
    g = model.graph
    del g.value_info[:]  # stale fp32 annotations would conflict with the fp16 boundary
    casts = []
    for t in list(g.initializer):
        if t.data_type != TensorProto.FLOAT:
            continue
        arr = numpy_helper.to_array(t).astype("float16")
        new = numpy_helper.from_array(arr, t.name + "_fp16")
        g.initializer.remove(t)
        g.initializer.append(new)
        casts.append(helper.make_node("Cast", [new.name], [t.name], to=TensorProto.FLOAT))
    for vi in g.input:
        if vi.name in io_names and vi.type.tensor_type.elem_type == TensorProto.FLOAT:
            inner = vi.name + "_fp32"
            for n in g.node:
                for k, x in enumerate(n.input):
                    if x == vi.name:
                        n.input[k] = inner
            casts.append(helper.make_node("Cast", [vi.name], [inner], to=TensorProto.FLOAT))
            vi.type.tensor_type.elem_type = TensorProto.FLOAT16
    tail = []
    for vo in g.output:
        if vo.name in io_names and vo.type.tensor_type.elem_type == TensorProto.FLOAT:
            inner = vo.name + "_fp32"
            for n in g.node:
                for k, x in enumerate(n.output):
                    if x == vo.name:
                        n.output[k] = inner
                for k, x in enumerate(n.input):
                    if x == vo.name:
                        n.input[k] = inner
            tail.append(helper.make_node("Cast", [inner], [vo.name], to=TensorProto.FLOAT16))
            vo.type.tensor_type.elem_type = TensorProto.FLOAT16
    nodes = casts + list(g.node) + tail
    del g.node[:]
    g.node.extend(nodes)
    return model


def _branch(model, prefix, outer_inputs, name):
    """Turn a model into an If-branch subgraph: prefix internal names, hoist initializers to the caller."""
    g = model.graph
    ren = lambda x: x if (x == "" or x in outer_inputs) else prefix + x
    inits = []
    for t in g.initializer:
        t.name = ren(t.name)
        inits.append(t)
    nodes = []
    for n in g.node:
        n.name = prefix + n.name
        for k in range(len(n.input)):
            n.input[k] = ren(n.input[k])
        for k in range(len(n.output)):
            n.output[k] = ren(n.output[k])
        nodes.append(n)
    outs = []
    for vo in g.output:
        v = onnx.ValueInfoProto()
        v.CopyFrom(vo)
        v.name = prefix + vo.name
        outs.append(v)
    sub = helper.make_graph(nodes, name, [], outs)
    return sub, inits


def merge_decoders(with_past, no_past):
    """One graph whose only compute node is If(use_cache_branch): then = with-past, else = no-past."""
    outer = [vi.name for vi in with_past.graph.input]
    then_g, i1 = _branch(with_past, "wp/", set(outer), "with_past")
    else_g, i2 = _branch(no_past, "np/", set(outer), "no_past")
    names = [vo.name for vo in with_past.graph.output]
    if_node = helper.make_node("If", ["use_cache_branch"], names, name="optimum::if",
                               then_branch=then_g, else_branch=else_g)
    cond = helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1])
    outputs = []
    for vo in with_past.graph.output:
        v = onnx.ValueInfoProto()
        v.CopyFrom(vo)
        outputs.append(v)
    graph = helper.make_graph([if_node], "merged_decoder", list(with_past.graph.input) + [cond], outputs,
                              initializer=i1 + i2)
    m = helper.make_model(graph, opset_imports=list(with_past.opset_import))
    m.ir_version = with_past.ir_version
    return m
