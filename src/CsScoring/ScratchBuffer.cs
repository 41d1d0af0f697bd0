using System.Buffers;

namespace CsScoring;

/// <summary>
/// The library's one owner of pooled scratch memory: rents an array, exposes exactly the length asked for, and
/// returns the array to its pool on <see cref="Dispose"/> (a <see langword="using"/> declaration), so a hot path
/// cannot forget the return or return twice. The <see langword="default"/> value owns nothing, which lets a caller
/// take stack memory for small sizes and rent only above a limit:
/// <code>
/// using var owner = length &lt;= Limit ? default : ScratchBuffer&lt;double&gt;.Rent(length);
/// var scratch = owner.IsRented ? owner.Span : stackalloc double[length];
/// </code>
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>The span's contents are not cleared: rented arrays may hold earlier data.</remarks>
internal ref struct ScratchBuffer<T>
{
    private readonly ArrayPool<T>? _pool;
    private readonly int _length;
    private T[]? _array;

    private ScratchBuffer(ArrayPool<T> pool, int length)
    {
        _pool = pool;
        _length = length;
        _array = pool.Rent(length);
    }

    /// <summary>Whether an array is rented (false for the <see langword="default"/> value and after <see cref="Dispose"/>).</summary>
    public readonly bool IsRented => _array is not null;

    /// <summary>The scratch memory: exactly the length rented, or empty when nothing is rented.</summary>
    public readonly Span<T> Span => _array is null ? default : _array.AsSpan(0, _length);

    /// <summary>Rents scratch memory of a given length.</summary>
    /// <param name="length">The number of elements (≥ 0).</param>
    /// <param name="pool">The pool, or <see langword="null"/> for <see cref="ArrayPool{T}.Shared"/>.</param>
    /// <returns>The owner; dispose it to return the array.</returns>
    public static ScratchBuffer<T> Rent(int length, ArrayPool<T>? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new ScratchBuffer<T>(pool ?? ArrayPool<T>.Shared, length);
    }

    /// <summary>Returns the array to its pool; later calls do nothing.</summary>
    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            _pool!.Return(array);
        }
    }
}
