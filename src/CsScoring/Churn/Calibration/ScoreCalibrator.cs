using System.Collections.Immutable;

namespace CsScoring.Churn.Calibration;

/// <summary>
/// Turns a raw score into a probability exactly as the ML.NET calibrator it was read from does (same formula, same
/// float/double steps), so probabilities match ML.NET's to the last bit. Immutable and thread-safe.
/// </summary>
internal abstract class ScoreCalibrator
{
    public abstract string Method { get; }

    public abstract float Apply(float score);

    /// <summary>The calibrator's portable form.</summary>
    public abstract CsScoring.Churn.Manifest.PortableCalibration ToPortable();
}

/// <summary>ML.NET's <c>PlattCalibrator</c>: <c>p = 1 / (1 + exp(slope * score + offset))</c>; NaN stays NaN.</summary>
internal sealed class PlattScoreCalibrator(double slope, double offset) : ScoreCalibrator
{
    public double Slope { get; } = slope;

    public double Offset { get; } = offset;

    public override string Method => "platt";

    public override CsScoring.Churn.Manifest.PortableCalibration ToPortable()
        => new() { Method = CsScoring.Churn.Manifest.CalibrationMethod.Platt, Slope = Slope, Offset = Offset };

    public override float Apply(float score)
        => float.IsNaN(score) ? score : (float)(1 / (1 + Math.Exp((Slope * score) + Offset)));
}

/// <summary>
/// ML.NET's <c>IsotonicCalibrator</c> (pool-adjacent violators): constant inside each piece, linear between pieces,
/// flat beyond the ends, clamped to [1e-15, 1]; NaN stays NaN.
/// </summary>
internal sealed class IsotonicScoreCalibrator : ScoreCalibrator
{
    private const float MinToReturn = 1e-15f;
    private const float MaxToReturn = 1 - MinToReturn;
    private readonly float[] _mins;
    private readonly float[] _maxes;
    private readonly float[] _values;

    public IsotonicScoreCalibrator(ImmutableArray<float> mins, ImmutableArray<float> maxes, ImmutableArray<float> values)
    {
        if (mins.Length != maxes.Length || mins.Length != values.Length)
        {
            throw new ChurnModelException(ChurnModelError.InvalidModel, "The isotonic calibrator's arrays differ in length.");
        }

        var maxPrevious = float.NegativeInfinity;
        for (var i = 0; i < mins.Length; i++)
        {
            // The ordering ML.NET's binary search relies on; anything else is damage.
            if (!(mins[i] <= maxes[i]) || !(mins[i] > maxPrevious) || !float.IsFinite(values[i]) || values[i] < 0 || values[i] > 1
                || (i > 0 && values[i] < values[i - 1]))
            {
                throw new ChurnModelException(ChurnModelError.InvalidModel, $"The isotonic calibrator's piece {i} is out of order or out of range.");
            }

            maxPrevious = maxes[i];
        }

        _mins = [.. mins];
        _maxes = [.. maxes];
        _values = [.. values];
    }

    public override string Method => "isotonic";

    public override CsScoring.Churn.Manifest.PortableCalibration ToPortable()
        => new() { Method = CsScoring.Churn.Manifest.CalibrationMethod.Isotonic, Mins = [.. _mins], Maxes = [.. _maxes], Values = [.. _values] };

    public ReadOnlySpan<float> Mins => _mins;

    public ReadOnlySpan<float> Maxes => _maxes;

    public ReadOnlySpan<float> Values => _values;

    public override float Apply(float score)
    {
        if (float.IsNaN(score))
        {
            return score;
        }

        var probability = FindValue(score);
        if (probability < MinToReturn)
        {
            return MinToReturn;
        }

        return probability > MaxToReturn ? MaxToReturn : probability;
    }

    private float FindValue(float score)
    {
        var pieces = _mins.Length;
        if (pieces == 0)
        {
            return 0;
        }

        if (score < _mins[0])
        {
            return _values[0];
        }

        if (score > _maxes[pieces - 1])
        {
            return _values[pieces - 1];
        }

        // The first piece whose upper end is >= score.
        int low = 0, high = pieces;
        while (low < high)
        {
            var middle = low + ((high - low) >> 1);
            if (_maxes[middle] < score)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        var position = low;
        if (score >= _mins[position])
        {
            return _values[position];
        }

        var t = (score - _maxes[position - 1]) / (_mins[position] - _maxes[position - 1]);
        return _values[position - 1] + (t * (_values[position] - _values[position - 1]));
    }
}
