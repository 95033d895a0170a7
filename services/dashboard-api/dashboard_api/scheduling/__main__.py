from dashboard_api.scheduling.cli import main

raise SystemExit(main())
