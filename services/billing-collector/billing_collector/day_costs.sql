-- One UTC usage day of one project's costs, in BigQuery's SQL dialect.
--
-- Production runs this text on the Cloud Billing detailed export with
-- google-cloud-bigquery; the local profile runs the same text on DuckDB after
-- sqlglot translates it. {table} is the only part not passed as a parameter
-- (BigQuery takes no parameter for a table name); it is checked against a
-- strict pattern before it is put in.
--
-- _PARTITIONTIME keeps the scan to a few partitions (the usage day, a little
-- before it and the late-row window after it); usage_start_time then keeps
-- exactly the usage day. Each row's credits are summed by a subquery over its
-- own credits array: a join on UNNEST(credits) would repeat the row's cost
-- once per credit. Amounts are cast to NUMERIC so sums are exact decimals.
SELECT
  service.description AS service_name,
  IF(service.description IN UNNEST(@resource_services), resource.name, NULL)
    AS resource_name,
  IF(service.description IN UNNEST(@sku_services), sku.description, NULL)
    AS sku_description,
  (SELECT MAX(label.value) FROM UNNEST(labels) AS label
    WHERE label.key = @run_label) AS training_run_id,
  (SELECT MAX(label.value) FROM UNNEST(labels) AS label
    WHERE label.key = @model_type_label) AS model_type,
  cost_type,
  SUM(
    CAST(cost AS NUMERIC(38, 9))
    + IFNULL(
      (SELECT SUM(CAST(credit.amount AS NUMERIC(38, 9)))
        FROM UNNEST(credits) AS credit),
      0)
  ) AS net_cost,
  MAX(export_time) AS export_time_max,
  COUNT(*) AS export_rows
FROM {table}
WHERE _PARTITIONTIME >= @partition_start
  AND _PARTITIONTIME < @partition_end
  AND usage_start_time >= @usage_start
  AND usage_start_time < @usage_end
  AND project.id = @project_id
GROUP BY 1, 2, 3, 4, 5, 6
ORDER BY 1, 2, 3, 4, 5, 6
