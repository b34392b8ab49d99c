"""A dataset with a schema: upload a CSV, infer a schema, build one by hand, download the data.

Run against your team (MODERATELY_API_KEY and MODERATELY_TEAM_ID set)::

    python examples/dataset_schema.py

or offline, against an in-process emulator::

    python examples/dataset_schema.py --emulator
"""

from __future__ import annotations

import sys

from _emulated import connect, parser

from moderately import ModeratelyAI

CSV = b"""order_id,customer,amount,paid,ordered_at
1001,Ada,19.90,true,2024-05-01T10:00:00
1002,Grace,5.00,false,2024-05-02T11:30:00
1003,Linus,120.50,true,2024-05-03T09:15:00
"""


def main(argv: list[str] | None = None) -> int:
    """Create a dataset, give it data and two schemas, then read the data back."""
    args = parser(__doc__).parse_args(argv)
    with connect(args.emulator), ModeratelyAI() as client:
        dataset = client.datasets.create(name="Orders", description="Example orders")
        version = dataset.upload_data(CSV, file_name="orders.csv")
        print(f"dataset {dataset.name}: id={dataset.dataset_id} data version {version.version_no}")

        # Types come from the header and the first rows of the sample (never the whole file).
        inferred = dataset.create_schema_from_sample(CSV, status="current")
        for column in inferred.columns:
            print(f"  inferred {column.name}: {column.type}")

        # The builder checks each step as it goes; create() sends the finished schema.
        built = (
            dataset.schema_builder()
            .add_column("order_id", "int", required=True, description="Order number")
            .add_column("customer", "string")
            .add_column("amount", "float", required=True)
            .with_parsing(delimiter=",", header_row=1)
            .as_current()
            .create()
        )
        print(f"built schema v{built.version_no}: {', '.join(built.column_names)}")

        # A new current schema asks for reprocessing; wait for the platform to finish.
        dataset.process().wait_until_processed(poll_interval=0.2)
        print(f"processing: {dataset.processing_status}")

        data = dataset.download_data()
        print(f"downloaded {len(data)} bytes, {len(data.splitlines()) - 1} rows")

        dataset.delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
