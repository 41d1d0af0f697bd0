using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace CsScoring.Training.Churn.Onnx;

/// <summary>
/// The few ONNX protobuf messages a scoring graph needs (model, graph, node, attribute, tensor, value info), written
/// with the protobuf wire format directly: field numbers from onnx/onnx.proto. Enough for a graph the trainer
/// generates; not a general protobuf library.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public ProtoWriter Varint(int field, long value)
    {
        Tag(field, 0);
        WriteVarint((ulong)value);
        return this;
    }

    public ProtoWriter Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    public ProtoWriter PackedVarints(int field, IEnumerable<long> values)
    {
        var inner = new ProtoWriter();
        foreach (var value in values)
        {
            inner.WriteVarint((ulong)value);
        }

        return Bytes(field, inner.ToArray());
    }

    public ProtoWriter PackedFloats(int field, IReadOnlyList<float> values)
    {
        var bytes = new byte[values.Count * 4];
        for (var i = 0; i < values.Count; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return Bytes(field, bytes);
    }

    private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.Write([(byte)(value | 0x80)]);
            value >>= 7;
        }

        _buffer.Write([(byte)value]);
    }
}

/// <summary>ONNX tensor element types (TensorProto.DataType).</summary>
internal enum OnnxType
{
    Float = 1,
    Int64 = 7,
    Bool = 9,
    Double = 11,
}

/// <summary>An ONNX node attribute value (AttributeProto).</summary>
internal abstract record OnnxAttribute(string Name)
{
    public abstract ProtoWriter Write();

    public static OnnxAttribute Of(string name, long value) => new IntAttribute(name, value);

    public static OnnxAttribute Of(string name, float value) => new FloatAttribute(name, value);

    public static OnnxAttribute Of(string name, string value) => new StringAttribute(name, value);

    public static OnnxAttribute Of(string name, IReadOnlyList<long> values) => new IntsAttribute(name, values);

    public static OnnxAttribute Of(string name, IReadOnlyList<float> values) => new FloatsAttribute(name, values);

    public static OnnxAttribute Of(string name, IReadOnlyList<string> values) => new StringsAttribute(name, values);

    public static OnnxAttribute Of(string name, OnnxTensor value) => new TensorAttribute(name, value);

    // AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, strings 9, type 20.
    private sealed record IntAttribute(string Name, long Value) : OnnxAttribute(Name)
    {
        public override ProtoWriter Write() => new ProtoWriter().String(1, Name).Varint(3, Value).Varint(20, 2);
    }

    private sealed record FloatAttribute(string Name, float Value) : OnnxAttribute(Name)
    {
        public override ProtoWriter Write() => new ProtoWriter().String(1, Name).Float(2, Value).Varint(20, 1);
    }

    private sealed record StringAttribute(string Name, string Value) : OnnxAttribute(Name)
    {
        public override ProtoWriter Write() => new ProtoWriter().String(1, Name).String(4, Value).Varint(20, 3);
    }

    private sealed record IntsAttribute(string Name, IReadOnlyList<long> Values) : OnnxAttribute(Name)
    {
        public override ProtoWriter Write() => new ProtoWriter().String(1, Name).PackedVarints(8, Values).Varint(20, 7);
    }

    private sealed record FloatsAttribute(string Name, IReadOnlyList<float> Values) : OnnxAttribute(Name)
    {
        public override ProtoWriter Write() => new ProtoWriter().String(1, Name).PackedFloats(7, Values).Varint(20, 6);
    }

    private sealed record StringsAttribute(string Name, IReadOnlyList<string> Values) : OnnxAttribute(Name)
    {
        public override ProtoWriter Write()
        {
            var writer = new ProtoWriter().String(1, Name);
            foreach (var value in Values)
            {
                writer.String(9, value);
            }

            return writer.Varint(20, 8);
        }
    }

    private sealed record TensorAttribute(string Name, OnnxTensor Value) : OnnxAttribute(Name)
    {
        public override ProtoWriter Write() => new ProtoWriter().String(1, Name).Message(5, Value.Write()).Varint(20, 4);
    }
}

/// <summary>A constant tensor (TensorProto), stored little-endian in <c>raw_data</c>.</summary>
internal sealed record OnnxTensor(string Name, OnnxType Type, IReadOnlyList<long> Dimensions, byte[] RawData)
{
    public static OnnxTensor Floats(string name, IReadOnlyList<float> values, params long[] dimensions)
    {
        var bytes = new byte[values.Count * 4];
        for (var i = 0; i < values.Count; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return new(name, OnnxType.Float, dimensions.Length == 0 ? [values.Count] : dimensions, bytes);
    }

    public static OnnxTensor Doubles(string name, IReadOnlyList<double> values, params long[] dimensions)
    {
        var bytes = new byte[values.Count * 8];
        for (var i = 0; i < values.Count; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return new(name, OnnxType.Double, dimensions.Length == 0 ? [values.Count] : dimensions, bytes);
    }

    public static OnnxTensor Int64s(string name, IReadOnlyList<long> values, params long[] dimensions)
    {
        var bytes = new byte[values.Count * 8];
        for (var i = 0; i < values.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return new(name, OnnxType.Int64, dimensions.Length == 0 ? [values.Count] : dimensions, bytes);
    }

    /// <summary>The same single value as a rank-0 tensor.</summary>
    public OnnxTensor AsScalar() => this with { Dimensions = [] };

    // TensorProto: dims 1, data_type 2, name 8, raw_data 9.
    public ProtoWriter Write() => new ProtoWriter().PackedVarints(1, Dimensions).Varint(2, (long)Type).String(8, Name).Bytes(9, RawData);
}

/// <summary>A node (NodeProto).</summary>
internal sealed record OnnxNode(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, string Name, string Domain = "")
{
    public IReadOnlyList<OnnxAttribute> Attributes { get; init; } = [];

    // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7.
    public ProtoWriter Write()
    {
        var writer = new ProtoWriter();
        foreach (var input in Inputs)
        {
            writer.String(1, input);
        }

        foreach (var output in Outputs)
        {
            writer.String(2, output);
        }

        writer.String(3, Name).String(4, OpType);
        foreach (var attribute in Attributes)
        {
            writer.Message(5, attribute.Write());
        }

        if (Domain.Length > 0)
        {
            writer.String(7, Domain);
        }

        return writer;
    }
}

/// <summary>A graph input or output (ValueInfoProto) of a tensor type; a dimension is a size or a symbolic name.</summary>
internal sealed record OnnxValueInfo(string Name, OnnxType Type, IReadOnlyList<object> Dimensions, string DocString = "")
{
    // ValueInfoProto: name 1, type 2, doc_string 3; TypeProto.tensor_type 1; Tensor: elem_type 1, shape 2;
    // TensorShapeProto.dim 1; Dimension: dim_value 1, dim_param 2.
    public ProtoWriter Write()
    {
        var shape = new ProtoWriter();
        foreach (var dimension in Dimensions)
        {
            shape.Message(1, dimension is string symbol ? new ProtoWriter().String(2, symbol) : new ProtoWriter().Varint(1, Convert.ToInt64(dimension, System.Globalization.CultureInfo.InvariantCulture)));
        }

        var tensorType = new ProtoWriter().Varint(1, (long)Type).Message(2, shape);
        var writer = new ProtoWriter().String(1, Name).Message(2, new ProtoWriter().Message(1, tensorType));
        return DocString.Length > 0 ? writer.String(3, DocString) : writer;
    }
}

/// <summary>A whole model (ModelProto with its GraphProto).</summary>
internal sealed record OnnxModel(
    string GraphName,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyList<OnnxTensor> Initializers,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxValueInfo> Outputs,
    IReadOnlyList<KeyValuePair<string, string>> Metadata,
    string DocString)
{
    /// <summary>IR version 8 (ONNX 1.10+), opsets read by every ONNX Runtime since 1.11.</summary>
    public const long IrVersion = 8;

    public const long OnnxOpset = 15;

    public const long MlOpset = 3;

    public const string MlDomain = "ai.onnx.ml";

    // ModelProto: ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7, opset_import 8,
    // metadata_props 14. GraphProto: node 1, name 2, initializer 5, doc_string 10, input 11, output 12.
    public byte[] ToBytes(string producerVersion)
    {
        var graph = new ProtoWriter();
        foreach (var node in Nodes)
        {
            graph.Message(1, node.Write());
        }

        graph.String(2, GraphName);
        foreach (var initializer in Initializers)
        {
            graph.Message(5, initializer.Write());
        }

        graph.String(10, DocString);
        foreach (var input in Inputs)
        {
            graph.Message(11, input.Write());
        }

        foreach (var output in Outputs)
        {
            graph.Message(12, output.Write());
        }

        var model = new ProtoWriter()
            .Varint(1, IrVersion)
            .String(2, "CsScoring")
            .String(3, producerVersion)
            .String(6, DocString)
            .Message(7, graph)
            .Message(8, new ProtoWriter().String(1, string.Empty).Varint(2, OnnxOpset))
            .Message(8, new ProtoWriter().String(1, MlDomain).Varint(2, MlOpset));
        foreach (var (key, value) in Metadata)
        {
            model.Message(14, new ProtoWriter().String(1, key).String(2, value));
        }

        return model.ToArray();
    }
}
