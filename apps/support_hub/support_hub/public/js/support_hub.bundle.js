import "./sla_timer";
