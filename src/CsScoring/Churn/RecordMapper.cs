using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using CsScoring.Churn.Features;

namespace CsScoring.Churn;

/// <summary>
/// Maps a typed record (a class or struct with one property per input column) through a <see cref="FeatureMapper"/>:
/// each property is formatted to the text the mapper reads, exactly as if it came from a CSV cell, so typed records,
/// dictionaries and files give the same features. Properties match columns by name, ignoring case and underscores
/// (<c>TicketsLast90d</c> matches <c>tickets_last_90d</c>); a <see langword="null"/> value is a missing cell.
/// </summary>
internal sealed class RecordMapper<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>
{
    private const int BufferLength = 64;
    private readonly FeatureMapper _mapper;
    private readonly Accessor[] _accessors;
    private readonly Accessor? _time;

    public RecordMapper(FeatureMapper mapper)
    {
        _mapper = mapper;
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .ToArray();
        var columns = mapper.Schema.Columns;
        _accessors = new Accessor[columns.Count];
        var absent = new List<string>();
        for (var i = 0; i < columns.Count; i++)
        {
            var property = Find(properties, columns[i].Name);
            if (property is null)
            {
                absent.Add(columns[i].Name);
                continue;
            }

            _accessors[i] = Create(property);
        }

        if (mapper.Schema.TimeColumn is { } time && mapper.Schema.HasDates)
        {
            var property = Find(properties, time) ?? throw Mismatch([time]);
            _time = Create(property);
        }

        if (absent.Count > 0)
        {
            throw Mismatch(absent);
        }
    }

    public void Map(T record, Span<float> destination)
    {
        Span<char> buffer = stackalloc char[BufferLength];
        int? asOf = null;
        if (_time is not null)
        {
            var length = _time.Format(record, buffer);
            asOf = length < 0 ? null : FeatureMapper.AsOfDay(buffer[..length]);
        }

        for (var i = 0; i < _accessors.Length; i++)
        {
            var accessor = _accessors[i];
            var length = accessor.Format(record, buffer);
            ReadOnlySpan<char> text = length switch
            {
                < 0 => default,
                _ when length == int.MaxValue => accessor.Text(record).AsSpan(),
                _ => buffer[..length],
            };
            _mapper.MapCell(i, text, asOf, destination);
        }
    }

    private static ChurnModelException Mismatch(IEnumerable<string> columns)
        => new(ChurnModelError.SchemaMismatch,
            $"The record type {typeof(T).Name} has no readable property for column(s) {string.Join(", ", columns)} that the model needs.");

    private static PropertyInfo? Find(PropertyInfo[] properties, string column)
    {
        var key = Normalize(column);
        return properties.FirstOrDefault(p => Normalize(p.Name) == key);
    }

    private static string Normalize(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    // Closed accessor types for the common property types keep reads unboxed without runtime code generation (the
    // library is AOT-compatible); any other type is read boxed.
    private static Accessor Create(PropertyInfo property)
    {
        var type = property.PropertyType;
        return type == typeof(string) ? new Accessor<string?>(Getter<string?>(property))
            : type == typeof(double) ? new Accessor<double>(Getter<double>(property))
            : type == typeof(float) ? new Accessor<float>(Getter<float>(property))
            : type == typeof(int) ? new Accessor<int>(Getter<int>(property))
            : type == typeof(long) ? new Accessor<long>(Getter<long>(property))
            : type == typeof(bool) ? new Accessor<bool>(Getter<bool>(property))
            : new Accessor<object?>(record => property.GetValue(record));
    }

    private static Func<T, TValue> Getter<TValue>(PropertyInfo property)
        => typeof(T).IsValueType
            ? record => (TValue)property.GetValue(record)!
            : property.GetMethod!.CreateDelegate<Func<T, TValue>>();

    private abstract class Accessor
    {
        /// <summary>Writes the value's text; returns its length, -1 when missing, int.MaxValue when only <see cref="Text"/> has it.</summary>
        public abstract int Format(T record, Span<char> buffer);

        public abstract string? Text(T record);
    }

    private sealed class Accessor<TValue> : Accessor
    {
        private readonly Func<T, TValue> _get;

        public Accessor(Func<T, TValue> get) => _get = get;

        public override string? Text(T record) => _get(record) is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

        public override int Format(T record, Span<char> buffer)
        {
            var value = _get(record);
            if (value is null)
            {
                return -1;
            }

            // typeof checks are constants per instantiation, so common property types format without boxing.
            if (typeof(TValue) == typeof(string))
            {
                var text = Unsafe.As<TValue, string>(ref value);
                return text.AsSpan().TryCopyTo(buffer) ? text.Length : int.MaxValue;
            }

            if (typeof(TValue) == typeof(double))
            {
                return Written(Unsafe.As<TValue, double>(ref value).TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture), written);
            }

            if (typeof(TValue) == typeof(float))
            {
                return Written(Unsafe.As<TValue, float>(ref value).TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture), written);
            }

            if (typeof(TValue) == typeof(int))
            {
                return Written(Unsafe.As<TValue, int>(ref value).TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture), written);
            }

            if (typeof(TValue) == typeof(long))
            {
                return Written(Unsafe.As<TValue, long>(ref value).TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture), written);
            }

            if (typeof(TValue) == typeof(bool))
            {
                buffer[0] = Unsafe.As<TValue, bool>(ref value) ? '1' : '0';
                return 1;
            }

            // Nullable and other types: box once (a nullable boxes to its underlying value).
            return FormatObject(value, buffer);
        }

        private static int Written(bool success, int written) => success ? written : -1;

        private static int FormatObject(object value, Span<char> buffer)
        {
            int written;
            switch (value)
            {
                case bool flag:
                    buffer[0] = flag ? '1' : '0';
                    return 1;
                case DateOnly date:
                    return Written(date.TryFormat(buffer, out written, "yyyy-MM-dd", CultureInfo.InvariantCulture), written);
                case DateTime dateTime:
                    return Written(DateOnly.FromDateTime(dateTime).TryFormat(buffer, out written, "yyyy-MM-dd", CultureInfo.InvariantCulture), written);
                case double or float:
                    return Written(((ISpanFormattable)value).TryFormat(buffer, out written, "R", CultureInfo.InvariantCulture), written);
                case ISpanFormattable formattable:
                    return Written(formattable.TryFormat(buffer, out written, default, CultureInfo.InvariantCulture), written);
                default:
                    return int.MaxValue;
            }
        }
    }
}
