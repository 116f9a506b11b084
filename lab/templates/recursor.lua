-- The lab root's DS is the only trust anchor.
clearTA()
addTA('.', '@ROOT_DS_RDATA@')
