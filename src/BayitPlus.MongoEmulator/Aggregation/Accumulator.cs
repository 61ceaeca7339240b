using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

/// <summary>A running aggregate of the values of one group ($group accumulators, and $sum/$avg/...
/// used as expressions over an array).</summary>
internal abstract class Accumulator
{
    public abstract void Add(BsonValue? value);

    /// <summary>The aggregate; null when it is missing.</summary>
    public abstract BsonValue? Result();

    /// <summary>The factory of a named accumulator, or null when the name is unknown; it takes the
    /// operation's collation, which <c>$min</c>, <c>$max</c> and <c>$addToSet</c> compare under.</summary>
    public static Func<BsonOrder, Accumulator>? Factory(string name) => name switch
    {
        "$sum" => _ => new Sum(),
        "$avg" => _ => new Average(),
        "$min" => order => new Extreme(order, -1),
        "$max" => order => new Extreme(order, 1),
        "$first" => _ => new First(),
        "$last" => _ => new Last(),
        "$push" => _ => new Push(),
        "$addToSet" => order => new AddToSet(order),
        "$mergeObjects" => _ => new MergeObjects(),
        "$stdDevPop" => _ => new StandardDeviation(sample: false),
        "$stdDevSamp" => _ => new StandardDeviation(sample: true),
        _ => null,
    };

    private sealed class Sum : Accumulator
    {
        private BsonValue _sum = new BsonInt32(0);

        public override void Add(BsonValue? value)
        {
            if (Values.IsNumber(value))
            {
                _sum = Values.Add(_sum, value!);
            }
        }

        public override BsonValue Result() => _sum;
    }

    private sealed class Average : Accumulator
    {
        private double _sum;
        private decimal _decimalSum;
        private bool _decimal;
        private long _count;

        public override void Add(BsonValue? value)
        {
            if (!Values.IsNumber(value))
            {
                return;
            }

            _count++;
            if (value!.BsonType == BsonType.Decimal128 && !_decimal)
            {
                // From the first decimal on the sum is kept in decimal, as MongoDB's result is decimal.
                _decimal = true;
                _decimalSum = Values.ToDecimal(new BsonDouble(_sum));
            }

            if (_decimal)
            {
                _decimalSum += Values.ToDecimal(value);
            }
            else
            {
                _sum += Values.ToDouble(value);
            }
        }

        public override BsonValue Result() =>
            _count == 0 ? BsonNull.Value
            : _decimal ? Values.Decimal(_decimalSum / _count)
            : new BsonDouble(_sum / _count);
    }

    private sealed class Extreme(BsonOrder order, int direction) : Accumulator
    {
        private BsonValue? _best;

        public override void Add(BsonValue? value)
        {
            if (!Values.IsNullish(value) && (_best is null || order.Compare(value, _best) * direction > 0))
            {
                _best = value;
            }
        }

        public override BsonValue Result() => _best ?? BsonNull.Value;
    }

    private sealed class First : Accumulator
    {
        private bool _seen;
        private BsonValue? _value;

        public override void Add(BsonValue? value)
        {
            if (!_seen)
            {
                _seen = true;
                _value = value;
            }
        }

        public override BsonValue Result() => _value ?? BsonNull.Value;
    }

    private sealed class Last : Accumulator
    {
        private BsonValue? _value;

        public override void Add(BsonValue? value) => _value = value;

        public override BsonValue Result() => _value ?? BsonNull.Value;
    }

    private sealed class Push : Accumulator
    {
        private readonly BsonArray _items = [];

        public override void Add(BsonValue? value)
        {
            if (value is not null)
            {
                _items.Add(value);
            }
        }

        public override BsonValue Result() => _items;
    }

    private sealed class AddToSet(BsonOrder order) : Accumulator
    {
        private readonly HashSet<BsonValue?> _seen = new(order);
        private readonly BsonArray _items = [];

        public override void Add(BsonValue? value)
        {
            if (value is not null && _seen.Add(value))
            {
                _items.Add(value);
            }
        }

        public override BsonValue Result() => _items;
    }

    private sealed class MergeObjects : Accumulator
    {
        private readonly BsonDocument _merged = [];

        public override void Add(BsonValue? value)
        {
            if (Values.IsNullish(value))
            {
                return;
            }

            if (value is not BsonDocument document)
            {
                throw new MongoErrorException(40400, $"$mergeObjects requires object inputs, but input {value} is of type {Values.TypeName(value)}");
            }

            foreach (var element in document)
            {
                _merged.Set(element.Name, element.Value);
            }
        }

        public override BsonValue Result() => _merged;
    }

    private sealed class StandardDeviation(bool sample) : Accumulator
    {
        private long _count;
        private double _mean;
        private double _squares;

        public override void Add(BsonValue? value)
        {
            if (!Values.IsNumber(value))
            {
                return;
            }

            // Welford's online algorithm keeps the variance numerically stable.
            var x = Values.ToDouble(value!);
            _count++;
            var delta = x - _mean;
            _mean += delta / _count;
            _squares += delta * (x - _mean);
        }

        public override BsonValue Result()
        {
            var n = sample ? _count - 1 : _count;
            return n <= 0 ? BsonNull.Value : new BsonDouble(Math.Sqrt(_squares / n));
        }
    }
}
