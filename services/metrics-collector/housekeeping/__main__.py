from housekeeping.cli import main

raise SystemExit(main())
