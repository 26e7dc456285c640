"""chiso: plans, reports and analytics for Vietnamese local governance indices."""
