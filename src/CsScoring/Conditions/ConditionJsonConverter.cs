using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CsScoring.Conditions;

/// <summary>
/// Reads and writes a <see cref="Condition"/> as <c>{"attribute", "operator", "number" | "text" | "date"}</c>, reading
/// the earlier playbook names <c>"signal"</c> and <c>"value"</c> too. Errors are <see cref="JsonException"/>s, which the
/// serializer gives the condition's JSON path.
/// </summary>
internal sealed class ConditionJsonConverter : JsonConverter<Condition>
{
    private static readonly ConditionOperator[] Operators = Enum.GetValues<ConditionOperator>();

    public override Condition Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a condition must be an object: {\"attribute\", \"operator\", \"number\" | \"text\" | \"date\"}");
        }

        string? attribute = null, op = null, text = null, date = null;
        double? number = null;
        var operands = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "attribute" or "signal":
                    Once(attribute, name);
                    attribute = String(ref reader, name);
                    break;
                case "operator":
                    Once(op, name);
                    op = String(ref reader, name);
                    break;
                case "number" or "value":
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }

                    if (reader.TokenType != JsonTokenType.Number && !(reader.TokenType == JsonTokenType.String && reader.GetString() is "NaN" or "Infinity" or "-Infinity"))
                    {
                        throw new JsonException($"'{name}' must be a number");
                    }

                    number = reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : double.NaN;
                    operands++;
                    break;
                case "text":
                    if (reader.TokenType != JsonTokenType.Null)
                    {
                        text = String(ref reader, name);
                        operands++;
                    }

                    break;
                case "date":
                    if (reader.TokenType != JsonTokenType.Null)
                    {
                        date = String(ref reader, name);
                        operands++;
                    }

                    break;
                default:
                    throw new JsonException($"unknown property '{name}' in a condition (expected 'attribute', 'operator' and one of 'number', 'text', 'date')");
            }
        }

        if (string.IsNullOrWhiteSpace(attribute))
        {
            throw new JsonException("a condition needs 'attribute'");
        }

        if (op is null)
        {
            throw new JsonException($"the condition on '{attribute}' needs 'operator'");
        }

        var parsed = Array.FindIndex(Operators, o => Condition.Name(o) == op);
        if (parsed < 0)
        {
            throw new JsonException($"unknown operator '{op}' (expected {string.Join(", ", Operators.Select(Condition.Name))})");
        }

        var @operator = Operators[parsed];
        if (@operator is ConditionOperator.IsMissing or ConditionOperator.IsPresent)
        {
            return operands == 0
                ? @operator == ConditionOperator.IsMissing ? Condition.Missing(attribute) : Condition.Present(attribute)
                : throw new JsonException($"'{op}' takes no 'number', 'text' or 'date'");
        }

        if (operands != 1)
        {
            throw new JsonException($"the condition on '{attribute}' needs exactly one of 'number', 'text' and 'date'");
        }

        if (number is { } n)
        {
            return double.IsFinite(n) ? Condition.Compare(attribute, @operator, n) : throw new JsonException("'number' must be finite");
        }

        if (date is not null)
        {
            return Condition.TryReadDate(date, out var day) && date.Length == 10
                ? Condition.Compare(attribute, @operator, day)
                : throw new JsonException($"'date' must be a date written yyyy-MM-dd, not '{date}'");
        }

        return @operator is ConditionOperator.Equal or ConditionOperator.NotEqual
            ? Condition.Compare(attribute, @operator, text!)
            : throw new JsonException($"text can only be compared with equal or not_equal, not {op}");
    }

    public override void Write(Utf8JsonWriter writer, Condition value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("attribute", value.Attribute);
        writer.WriteString("operator", Condition.Name(value.Operator));
        switch (value.Kind)
        {
            case ConditionOperandKind.Number:
                writer.WriteNumber("number", value.Number!.Value);
                break;
            case ConditionOperandKind.Text:
                writer.WriteString("text", value.Text);
                break;
            case ConditionOperandKind.Date:
                writer.WriteString("date", value.Date!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
        }

        writer.WriteEndObject();
    }

    private static void Once(string? seen, string name)
    {
        if (seen is not null)
        {
            throw new JsonException($"'{name}' is given twice (or with its older name) in one condition");
        }
    }

    private static string String(ref Utf8JsonReader reader, string name)
        => reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException($"'{name}' must be a string");
}
